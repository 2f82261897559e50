// The AiOrchestrationChannel wire envelope (docs/channels.md): stream keys `ai_orchestration:<type>:<id>`, the
// `{event, resource_type, resource_id, payload, timestamp}` message, the generic fan-out rule, and the `type` key
// account subscriptions add at delivery for usePageWebSocket.

import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

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
  return `ai_orchestration_${accountId}`;
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
