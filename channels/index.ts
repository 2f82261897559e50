// The registry list: every Powernode channel class, grouped as the catalog groups them, and everything else
// src/main.ts (the only src file that touches channels/) needs: BenchmarkChannel, the app services, the job outbox
// and the tool-executor registry.

import type { ChannelClass } from '../src/channel/index';
import { aiChannels } from './ai/index';
import { devopsChannels } from './devops/index';
import { extensionChannels } from './extension/index';
import { platformChannels } from './platform/index';
import { streamsChannels } from './streams/index';

/** Every channel served on /cable (BenchmarkChannel is added by main.ts when enabled). */
export const channels: ChannelClass[] = [...aiChannels, ...devopsChannels, ...platformChannels, ...extensionChannels, ...streamsChannels];

export { BenchmarkChannel } from './benchmark-channel';
export { OutboxJobQueue } from './support/job-queue';
export { ToolExecutorRegistry } from './support/tool-executors';
export type { AppServices, Broadcaster, RailsApi, SidePublisher, StreamsSettings } from './support/services';
export { PubSubChannel, TurboStreamsChannel, streamsChannels } from './streams/index';
