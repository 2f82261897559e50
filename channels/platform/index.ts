// The platform channels, in catalog order.

import type { ChannelClass } from '../../src/channel/index';

/** Every platform channel class. */
export const platformChannels: ChannelClass[] = [];
