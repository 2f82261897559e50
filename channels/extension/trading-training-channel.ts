// TradingTrainingChannel (docs/channels.md): training-session updates. `account_id` must be the
// caller's account; an optional `session_id` must be a training session of that account (the original did not
// check it). Streams `trading_training_<session_id>` or, without a session, `trading_training_account_<account_id>`.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel } from '../application-channel';
import { TRADING_TRAINING_EVENTS, TrainingAccountStream, trainingAccountStream, TrainingSessionStream, trainingSessionStream, TrainingSubscribed } from './trading-training-events';

const Params = z.looseObject({
  channel: z.string(),
  account_id: z.string().min(1).max(64),
  session_id: z.string().max(64).nullish(),
});
type TrainingParams = z.infer<typeof Params>;

/** Tick progress and lifecycle events of one training session, or of every session of the account. */
export class TradingTrainingChannel extends ApplicationChannel<TrainingParams> {
  static override channel = 'TradingTrainingChannel';
  static override params = Params;
  static events = TRADING_TRAINING_EVENTS;
  static streams = [TrainingSessionStream, TrainingAccountStream];

  override async subscribed(): Promise<void> {
    const accountId = this.params.account_id;
    if (!this.ownsAccount(accountId)) return this.reject();
    const sessionId = this.params.session_id || null;
    if (sessionId) {
      const session = await this.db.tradingTrainingSession.findFirst({ where: this.owned(sessionId), select: { id: true } });
      this.streamFrom(trainingSessionStream(this.found(session, 'training session').id));
    } else {
      this.streamFrom(trainingAccountStream(accountId));
    }
    this.transmit(eventMessage(TrainingSubscribed, { session_id: sessionId, timestamp: this.now() }));
  }
}
