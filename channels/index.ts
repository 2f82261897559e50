// The registry list: every Powernode channel class, grouped as the catalog groups them.

import type { ChannelClass } from '../src/channel/index';
import { aiChannels } from './ai/index';
import { devopsChannels } from './devops/index';
import { extensionChannels } from './extension/index';
import { platformChannels } from './platform/index';

/** Every channel served on /cable (BenchmarkChannel is added by main.ts when enabled). */
export const channels: ChannelClass[] = [...aiChannels, ...devopsChannels, ...platformChannels, ...extensionChannels];
