// PlatformStatusChannel (newer fork): live component-status transitions for one account plus the shared
// infrastructure stream. Both stream names carry the `platform_status:` prefix; nothing streams a bare id.

import { z } from 'zod';
import { ApplicationChannel, isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** The stream shared (account-less) components report on; any signed-in user may read it. */
export const PLATFORM_STATUS_SHARED_STREAM = 'platform_status:shared';

/** `platform_status:<account_id>`: transitions of one account's components. */
export function platformStatusAccountStream(accountId: string): string {
  return `platform_status:${accountId}`;
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

/** Publish `data` to one account's platform-status stream. */
export function publishPlatformStatusToAccount(b: Broadcaster, accountId: string, data: Record<string, unknown>): Promise<void> {
  return b.broadcast(platformStatusAccountStream(accountId), data);
}

/** Publish `data` to the shared platform-status stream. */
export function publishPlatformStatusShared(b: Broadcaster, data: Record<string, unknown>): Promise<void> {
  return b.broadcast(PLATFORM_STATUS_SHARED_STREAM, data);
}

/** `component_status_changed`: exactly one broadcast per transition, routed by tenancy (null account → shared). */
export function publishComponentStatusChanged(b: Broadcaster, t: ComponentTransition): Promise<void> {
  const data = {
    type: 'component_status_changed',
    component_kind: t.componentKind,
    component_ref: t.componentRef,
    from_verdict: t.from,
    to_verdict: t.to,
    shared: t.accountId === null,
    event_ids: t.eventIds,
    occurred_at: isoNow(t.occurredAt),
  };
  return t.accountId ? publishPlatformStatusToAccount(b, t.accountId, data) : publishPlatformStatusShared(b, data);
}

/** Component status for the caller's account and the shared infrastructure. */
export class PlatformStatusChannel extends ApplicationChannel<PlatformStatusParams> {
  static override channel = 'PlatformStatusChannel';
  static override params = Params;

  override subscribed(): void {
    const accountId = this.params.account_id;
    if (accountId === undefined || accountId === null || accountId.trim() === '') {
      this.streamFrom(PLATFORM_STATUS_SHARED_STREAM);
      this.transmit({ type: 'connection_established', scope: 'shared', timestamp: this.now() });
      return;
    }
    if (!this.ownsAccount(accountId)) return this.reject();
    this.streamFrom(platformStatusAccountStream(accountId));
    this.streamFrom(PLATFORM_STATUS_SHARED_STREAM);
    this.transmit({ type: 'connection_established', scope: 'account', timestamp: this.now() });
  }
}
