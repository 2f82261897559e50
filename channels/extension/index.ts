// The extension channels, in catalog order.

import type { ChannelClass } from '../../src/channel/index';

/** Every extension channel class. */
export const extensionChannels: ChannelClass[] = [];
