// The ai channels, in catalog order.

import type { ChannelClass } from '../../src/channel/index';

/** Every ai channel class. */
export const aiChannels: ChannelClass[] = [];
