// AiOrchestrationChannel (docs/channels.md): one orchestration stream `ai_orchestration:<type>:<id>` per subscription,
// authorized per type in the caller's account. Accepts the UI's aliases: `resource_id` / `service_name` for `id`,
// and `{account_id}` without a type (usePageWebSocket) as the `account` type. No actions. Account subscriptions get
// `type` added to `event`-only envelopes at delivery (usePageWebSocket drops messages without `type`). Events (declared
// once, schema-only but for `workflow.execution.started`) in ai-orchestration-workflow-events.ts and
// ai-orchestration-resource-events.ts.

import { z } from 'zod';
import { defineEvent, eventMessage, type EventSpec, type StreamSpec } from '../../src/channel/index';
import { ApplicationChannel } from '../application-channel';
import { authorizeOrchestration, ORCHESTRATION_TYPES, type OrchestrationType } from './ai-orchestration-access';
import { legacyMetricsStream, ORCHESTRATION_STREAMS, orchestrationStream, SystemMetricsUpdate, withEventType } from './ai-orchestration-envelope';
import { ORCHESTRATION_RESOURCE_EVENTS } from './ai-orchestration-resource-events';
import { ORCHESTRATION_WORKFLOW_EVENTS } from './ai-orchestration-workflow-events';

const Id = z.union([z.string().max(200), z.number()]).optional();
const Params = z.looseObject({ type: z.string().max(50).optional(), id: Id, resource_id: Id, service_name: Id, account_id: Id });
type OrchestrationParams = z.infer<typeof Params>;

/** On subscribe: `{type:"subscription.confirmed", subscription_type, resource_id, stream_key, timestamp}`. */
export const OrchestrationSubscriptionConfirmed = defineEvent({
  name: 'subscription.confirmed', delivery: ['transmit'], stamp: true,
  fields: { subscription_type: z.enum(ORCHESTRATION_TYPES), resource_id: z.string(), stream_key: z.string() },
});

/** Every AiOrchestrationChannel event (its `static events`). */
export const ORCHESTRATION_EVENTS = [OrchestrationSubscriptionConfirmed, ...ORCHESTRATION_WORKFLOW_EVENTS, ...ORCHESTRATION_RESOURCE_EVENTS, SystemMetricsUpdate] as const;

/**
 * The orchestration broadcasts that reach `streams`, each narrowed to those of `streams` it goes to
 * (AiWorkflowMonitoringChannel and AiWorkflowOrchestrationChannel follow some of the same streams and list these in
 * their `static events`).
 */
export function orchestrationEventsOn(streams: readonly StreamSpec[]): EventSpec[] {
  return ORCHESTRATION_EVENTS.filter((e) => e.delivery.includes('broadcast') && e.streams.some((s) => streams.includes(s)))
    .map((e): EventSpec => ({ ...e, streams: e.streams.filter((s) => streams.includes(s)) }));
}

/** Workflow, run, agent, batch, breaker, Ralph loop, worktree, monitoring and account orchestration events. */
export class AiOrchestrationChannel extends ApplicationChannel<OrchestrationParams> {
  static override channel = 'AiOrchestrationChannel';
  static override params = Params;
  static events = ORCHESTRATION_EVENTS;
  static streams = ORCHESTRATION_STREAMS;

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
    this.transmit(eventMessage(OrchestrationSubscriptionConfirmed, { subscription_type: target.type, resource_id: target.id, stream_key: streamKey, timestamp: this.now() }));
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
