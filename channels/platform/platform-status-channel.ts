// PlatformStatusChannel (newer fork): live component-status transitions for one account plus the shared
// infrastructure stream. Both stream names carry the `platform_status:` prefix; nothing streams a bare id.

import { z } from 'zod';
import { defineEvent, eventMessage, stream } from '../../src/channel/index';
import { ApplicationChannel, isoNow } from '../application-channel';

/** `platform_status:{account_id}`: transitions of one account's components. */
export const PlatformStatusAccountStream = stream('platform_status:{account_id}', { description: "Transitions of one account's components." });
/** `platform_status:shared`: transitions of shared (account-less) components; any signed-in user may read it. */
export const PlatformStatusSharedStream = stream('platform_status:shared', { description: 'Transitions of shared infrastructure components (any signed-in user).' });

/** The stream shared (account-less) components report on; any signed-in user may read it. */
export const PLATFORM_STATUS_SHARED_STREAM = PlatformStatusSharedStream.name({});

/** `platform_status:<account_id>`: transitions of one account's components. */
export function platformStatusAccountStream(accountId: string): string {
  return PlatformStatusAccountStream.name({ account_id: accountId });
}

const Params = z.looseObject({ account_id: z.string().max(100).nullish() });
type PlatformStatusParams = z.infer<typeof Params>;

/** One component transition as Platform::Status::SweepRunner reports it. */
export interface ComponentTransition {
  accountId: string | null;
  componentKind: string;
  componentRef: string;
  from: string | null;
  to: string;
  eventIds: string[];
  occurredAt: Date;
}

const ComponentStatus = z.object({
  component_kind: z.string(), component_ref: z.string(), from_verdict: z.string().nullable(), to_verdict: z.string(), shared: z.boolean(),
  event_ids: z.array(z.string()), occurred_at: z.string(),
});

/**
 * `component_status_changed`: exactly one broadcast per transition, to the account's stream or (account-less) the
 * shared one. Rails' sweep runner publishes it, so it is schema-only: `broadcaster(ComponentStatusChanged, stream)`
 * with `componentStatusJson(t)`.
 */
export const ComponentStatusChanged = defineEvent({
  name: 'component_status_changed', delivery: ['broadcast'], streams: [PlatformStatusAccountStream, PlatformStatusSharedStream],
  summary: "One broadcast per transition: to the account's stream, or to platform_status:shared when the component has no account (`shared: true`).",
  fields: ComponentStatus.shape,
});

/** The `component_status_changed` payload of a transition (`shared` when it has no account). */
export function componentStatusJson(t: ComponentTransition): z.input<typeof ComponentStatus> {
  return {
    component_kind: t.componentKind,
    component_ref: t.componentRef,
    from_verdict: t.from,
    to_verdict: t.to,
    shared: t.accountId === null,
    event_ids: t.eventIds,
    occurred_at: isoNow(t.occurredAt),
  };
}

/** On subscribe: the scope subscribed. */
export const PlatformStatusConnectionEstablished = defineEvent({
  name: 'connection_established', delivery: ['transmit'], stamp: true, fields: { scope: z.enum(['shared', 'account']) },
});

/** Component status for the caller's account and the shared infrastructure. */
export class PlatformStatusChannel extends ApplicationChannel<PlatformStatusParams> {
  static override channel = 'PlatformStatusChannel';
  static override params = Params;
  static events = [ComponentStatusChanged, PlatformStatusConnectionEstablished] as const;

  override subscribed(): void {
    const accountId = this.params.account_id;
    if (accountId === undefined || accountId === null || accountId.trim() === '') {
      this.streamFrom(PLATFORM_STATUS_SHARED_STREAM);
      this.transmit(eventMessage(PlatformStatusConnectionEstablished, { scope: 'shared', timestamp: this.now() }));
      return;
    }
    if (!this.ownsAccount(accountId)) return this.reject();
    this.streamFrom(platformStatusAccountStream(accountId));
    this.streamFrom(PLATFORM_STATUS_SHARED_STREAM);
    this.transmit(eventMessage(PlatformStatusConnectionEstablished, { scope: 'account', timestamp: this.now() }));
  }
}
