// TradingChannel (docs/channels.md): trading updates of the caller's own account on
// `trading_account_<account_id>`. Subscribe-only; the events and their publishers are in trading-events.ts.

import { z } from 'zod';
import { ApplicationChannel } from '../application-channel';
import { tradingAccountStream } from './trading-events';

const Params = z.looseObject({ channel: z.string(), account_id: z.string().min(1).max(64) });
type TradingParams = z.infer<typeof Params>;

/** Strategy lifecycle, tick outcomes, signals, orders, positions and risk alerts of the caller's account. */
export class TradingChannel extends ApplicationChannel<TradingParams> {
  static override channel = 'TradingChannel';
  static override params = Params;

  override subscribed(): void {
    const accountId = this.params.account_id;
    if (!this.ownsAccount(accountId)) return this.reject();
    this.streamFrom(tradingAccountStream(accountId));
    this.transmit({ type: 'subscribed', message: 'Connected to trading updates', timestamp: this.now() });
  }
}
