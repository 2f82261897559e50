// The AiOrchestrationChannel wire envelope (docs/channels.md): stream keys `ai_orchestration:<type>:<id>`, the
// `{event, resource_type, resource_id, payload, timestamp}` message, the generic fan-out rule, and the `type` key
// account subscriptions add at delivery for usePageWebSocket.

import { stream } from '../../src/channel/index';
import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** `ai_orchestration:account:{account_id}`: orchestration events of one account (AiWorkflowOrchestrationChannel's stream too). */
export const OrchestrationAccountStream = stream('ai_orchestration:account:{account_id}', { description: 'Orchestration events of one account.' });
/** `ai_orchestration:monitoring:{account_id}`: dashboard, alert and failure events of one account. */
export const OrchestrationMonitoringStream = stream('ai_orchestration:monitoring:{account_id}', { description: 'Monitoring events (dashboard stats, alerts, failures) of one account.' });
/** `ai_orchestration:workflow:{workflow_id}`: events of one workflow and its runs. */
export const OrchestrationWorkflowStream = stream('ai_orchestration:workflow:{workflow_id}', { description: 'Events of one workflow and its runs.' });
/** `ai_orchestration_{account_id}`: where the monitoring controller publishes `system_metrics_update`. */
export const LegacyMetricsStream = stream('ai_orchestration_{account_id}', { description: "The monitoring controller's system_metrics_update of one account." });

/** An orchestration event as it goes on the wire (note `event`, not `type`). */
export interface OrchestrationMessage {
  event: string;
  resource_type: string;
  resource_id: string;
  payload: unknown;
  timestamp: string;
}

/** `ai_orchestration:<type>:<id>`. */
export function orchestrationStream(type: string, id: string): string {
  return `ai_orchestration:${type}:${id}`;
}

/** `ai_orchestration_<account>`: where the monitoring controller publishes `system_metrics_update`. */
export function legacyMetricsStream(accountId: string): string {
  return LegacyMetricsStream.name({ account_id: accountId });
}

/**
 * `message` with `"type": <event>` appended as its last key when it has a string `event` and no `type` (other keys
 * keep their order); anything else unchanged. usePageWebSocket drops messages without `type`.
 */
export function withEventType(message: unknown): unknown {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return message;
  const m = message as Record<string, unknown>;
  if (typeof m.event !== 'string' || Object.prototype.hasOwnProperty.call(m, 'type')) return message;
  return { ...m, type: m.event };
}

/** Build the envelope of one event. */
export function orchestrationMessage(event: string, resourceType: string, resourceId: string, payload: unknown): OrchestrationMessage {
  return { event, resource_type: resourceType, resource_id: resourceId, payload, timestamp: isoNow() };
}

/** Send `message` to each of `streams` (in order). */
export async function broadcastAll(b: Broadcaster, streams: string[], message: unknown): Promise<void> {
  for (const stream of streams) await b.broadcast(stream, message);
}

/**
 * The generic rule (workflow, agent, health events): the resource stream, the account stream when an account is
 * known, and the account's monitoring stream when the event name contains `failed` or `alert`.
 */
export async function publishOrchestrationEvent(
  b: Broadcaster,
  e: { event: string; resourceType: string; resourceId: string; payload: unknown; accountId: string | null },
): Promise<void> {
  const streams = [orchestrationStream(e.resourceType, e.resourceId)];
  if (e.accountId) {
    streams.push(orchestrationStream('account', e.accountId));
    // The original also sent alerts without an account to `ai_orchestration:monitoring:` (nobody can subscribe).
    if (e.event.includes('failed') || e.event.includes('alert')) streams.push(orchestrationStream('monitoring', e.accountId));
  }
  await broadcastAll(b, streams, orchestrationMessage(e.event, e.resourceType, e.resourceId, e.payload));
}

/** `system_metrics_update` `{type, metrics, timestamp}` to `ai_orchestration_<account>` (monitoring controller). */
export async function publishSystemMetricsUpdate(b: Broadcaster, accountId: string, metrics: Record<string, unknown>): Promise<void> {
  await b.broadcast(legacyMetricsStream(accountId), { type: 'system_metrics_update', metrics, timestamp: isoNow() });
}
