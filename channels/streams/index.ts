// Stream subscriptions without an application channel: AnyCable's `$pubsub` (signed and public streams) and
// Hotwire's `Turbo::StreamsChannel`. Both refuse everything until their settings allow it.

import type { ChannelClass } from '../../src/channel/index';
import { PubSubChannel } from './pubsub-channel';
import { TurboStreamsChannel } from './turbo-streams-channel';

/** The stream channels. */
export const streamsChannels: ChannelClass[] = [PubSubChannel, TurboStreamsChannel];

export { PubSubChannel, TurboStreamsChannel };
