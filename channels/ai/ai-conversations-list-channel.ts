// AiConversationsListChannel (newer fork): no params; streams the caller's account list events so the chat
// sidebar follows conversations created, updated or deleted elsewhere.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel } from '../application-channel';
import { CONVERSATIONS_LIST_EVENTS, ConversationsListStream, ListSubscriptionConfirmed, conversationsListStream } from './ai-conversations-list-events';

// The fork takes no params; an `account_id`, if a client sends one anyway, must be the caller's own.
const Params = z.looseObject({ account_id: z.string().max(100).optional() });
type ListParams = z.infer<typeof Params>;

/** Conversation list events of the caller's account. */
export class AiConversationsListChannel extends ApplicationChannel<ListParams> {
  static override channel = 'AiConversationsListChannel';
  static override params = Params;
  static events = CONVERSATIONS_LIST_EVENTS;
  static streams = [ConversationsListStream];

  override subscribed(): void {
    if (this.params.account_id !== undefined && !this.ownsAccount(this.params.account_id)) return this.reject();
    this.streamFrom(conversationsListStream(this.accountId));
    this.transmit(eventMessage(ListSubscriptionConfirmed, { timestamp: this.now() }));
  }
}
