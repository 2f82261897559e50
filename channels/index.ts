// The registry list: every Powernode channel class, grouped as the catalog groups them.

import type { ChannelClass } from '../src/channel/index';

/** Every channel served on /cable (BenchmarkChannel is added by main.ts when enabled). */
export const channels: ChannelClass[] = [];
