// TradingChannel (docs/channels.md): trading updates of the caller's own account on
// `trading_account_<account_id>`. Subscribe-only; the events are in trading-events.ts.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel } from '../application-channel';
import { TRADING_EVENTS, TradingAccountStream, tradingAccountStream, TradingSubscribed } from './trading-events';

const Params = z.looseObject({ channel: z.string(), account_id: z.string().min(1).max(64) });
type TradingParams = z.infer<typeof Params>;

/** Strategy lifecycle, tick outcomes, signals, orders, positions and risk alerts of the caller's account. */
export class TradingChannel extends ApplicationChannel<TradingParams> {
  static override channel = 'TradingChannel';
  static override params = Params;
  static events = TRADING_EVENTS;
  static streams = [TradingAccountStream];

  override subscribed(): void {
    const accountId = this.params.account_id;
    if (!this.ownsAccount(accountId)) return this.reject();
    this.streamFrom(tradingAccountStream(accountId));
    this.transmit(eventMessage(TradingSubscribed, { timestamp: this.now() }));
  }
}
