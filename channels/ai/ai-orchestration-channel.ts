// AiOrchestrationChannel (docs/channels.md): one orchestration stream `ai_orchestration:<type>:<id>` per subscription,
// authorized per type in the caller's account. Accepts the UI's aliases: `resource_id` / `service_name` for `id`,
// and `{account_id}` without a type (usePageWebSocket) as the `account` type. No actions. Account subscriptions get
// `type` added to `event`-only envelopes at delivery (usePageWebSocket drops messages without `type`).

import { z } from 'zod';
import { ApplicationChannel } from '../application-channel';
import { authorizeOrchestration, ORCHESTRATION_TYPES, type OrchestrationType } from './ai-orchestration-access';
import { legacyMetricsStream, orchestrationStream, withEventType } from './ai-orchestration-envelope';

const Id = z.union([z.string().max(200), z.number()]).optional();
const Params = z.looseObject({ type: z.string().max(50).optional(), id: Id, resource_id: Id, service_name: Id, account_id: Id });
type OrchestrationParams = z.infer<typeof Params>;

/** Workflow, run, agent, batch, breaker, Ralph loop, worktree, monitoring and account orchestration events. */
export class AiOrchestrationChannel extends ApplicationChannel<OrchestrationParams> {
  static override channel = 'AiOrchestrationChannel';
  static override params = Params;

  override async subscribed(): Promise<void> {
    const target = resolveTarget(this.params);
    if (!target) return this.reject();
    const grant = await authorizeOrchestration(this.db, this.identity, target.type, target.id);
    if (!grant) return this.reject();
    const streamKey = orchestrationStream(target.type, grant.streamId);
    // usePageWebSocket subscribes `{account_id}` and keeps only messages with a `type` key (`'type' in data`), while
    // the envelopes carry `event` (also when Rails publishes them through Redis): so amend them at delivery.
    const deliver = target.type === 'account' ? (message: unknown) => this.transmit(withEventType(message)) : undefined;
    this.streamFrom(streamKey, deliver);
    // The monitoring controller publishes `system_metrics_update` to `ai_orchestration_<account>`.
    if (target.type === 'account' || target.type === 'monitoring') this.streamFrom(legacyMetricsStream(this.accountId), deliver);
    this.transmit({ type: 'subscription.confirmed', subscription_type: target.type, resource_id: target.id, stream_key: streamKey, timestamp: this.now() });
    if (grant.initial) this.transmit(grant.initial);
  }
}

/** The subscription type and id the params name (ids compared as strings), or null when missing or invalid. */
export function resolveTarget(p: OrchestrationParams): { type: OrchestrationType; id: string } | null {
  const type = p.type ?? (p.account_id !== undefined ? 'account' : undefined);
  const raw = p.id ?? p.resource_id ?? p.service_name ?? (p.type === undefined ? p.account_id : undefined);
  if (!isType(type) || raw === undefined) return null;
  const id = String(raw);
  return id === '' ? null : { type, id };
}

function isType(type: string | undefined): type is OrchestrationType {
  return (ORCHESTRATION_TYPES as readonly string[]).includes(type ?? '');
}
