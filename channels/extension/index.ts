// The extension channels, in catalog order.

import type { ChannelClass } from '../../src/channel/index';
import { SupplyChainChannel } from './supply-chain-channel';
import { TradingChannel } from './trading-channel';
import { TradingTrainingChannel } from './trading-training-channel';
import { WorkerDataChannel } from './worker-data-channel';
import { WorkerToolDispatchChannel } from './worker-tool-dispatch-channel';

/** Every extension channel class. */
export const extensionChannels: ChannelClass[] = [SupplyChainChannel, TradingChannel, TradingTrainingChannel, WorkerDataChannel, WorkerToolDispatchChannel];
