// CodeFactoryChannel (docs/channels.md): Code Factory events for one review run / review state, one risk contract, or the
// caller's account. Every resource is looked up in the caller's account; nothing is transmitted on subscribe.

import { z } from 'zod';
import { ApplicationChannel } from '../application-channel';
import { CODE_FACTORY_EVENTS, CODE_FACTORY_STREAMS, codeFactoryStream } from './code-factory-events';

const Params = z.looseObject({ type: z.enum(['run', 'contract', 'account', 'review_state']), id: z.string().min(1).max(100) });
type CodeFactoryParams = z.infer<typeof Params>;

/** Code Factory run, contract, review-state and account events. */
export class CodeFactoryChannel extends ApplicationChannel<CodeFactoryParams> {
  static override channel = 'CodeFactoryChannel';
  static override params = Params;
  static events = CODE_FACTORY_EVENTS;
  static streams = CODE_FACTORY_STREAMS;

  override async subscribed(): Promise<void> {
    const { type, id } = this.params;
    if (type === 'account') {
      if (!this.ownsAccount(id)) return this.reject();
      return this.streamFrom(codeFactoryStream('account', id));
    }
    this.streamFrom(codeFactoryStream(type, await this.resourceId(type, id)));
  }

  /** The id of the review state (`run`, `review_state`) or risk contract (`contract`) in the caller's account. */
  private async resourceId(type: 'run' | 'review_state' | 'contract', id: string): Promise<string> {
    const where = this.owned(id);
    const select = { id: true } as const;
    const row =
      type === 'contract'
        ? await this.db.aiCodeFactoryRiskContract.findFirst({ where, select })
        : await this.db.aiCodeFactoryReviewState.findFirst({ where, select });
    return this.found(row, type).id;
  }
}
