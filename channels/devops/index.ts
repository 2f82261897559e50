// The devops channels, in catalog order.

import type { ChannelClass } from '../../src/channel/index';

/** Every devops channel class. */
export const devopsChannels: ChannelClass[] = [];
