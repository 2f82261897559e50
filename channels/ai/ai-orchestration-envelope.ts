// The AiOrchestrationChannel wire envelope (docs/channels.md): stream keys `ai_orchestration:<type>:<id>`, the
// `{event, resource_type, resource_id, payload, timestamp}` message (declared per event with `orchestrationEvent`),
// and the `type` key account subscriptions add at delivery for usePageWebSocket.

import { z } from 'zod';
import { defineEvent, stream, type StreamSpec } from '../../src/channel/index';

/** `ai_orchestration:account:{account_id}`: orchestration events of one account (AiWorkflowOrchestrationChannel's stream too). */
export const OrchestrationAccountStream = stream('ai_orchestration:account:{account_id}', { description: 'Orchestration events of one account.' });
/** `ai_orchestration:monitoring:{account_id}`: dashboard, alert and failure events of one account. */
export const OrchestrationMonitoringStream = stream('ai_orchestration:monitoring:{account_id}', { description: 'Monitoring events (dashboard stats, alerts, failures) of one account.' });
/** `ai_orchestration:workflow:{workflow_id}`: events of one workflow and its runs. */
export const OrchestrationWorkflowStream = stream('ai_orchestration:workflow:{workflow_id}', { description: 'Events of one workflow and its runs.' });
/** `ai_orchestration:workflow_run:{run_id}`: events of one run (its `run_id` column). */
export const OrchestrationRunStream = stream('ai_orchestration:workflow_run:{run_id}', { description: 'Run, node and streaming events of one workflow run (run_id column).' });
/** `ai_orchestration:agent:{agent_id}`: execution and resource events of one agent. */
export const OrchestrationAgentStream = stream('ai_orchestration:agent:{agent_id}', { description: 'Execution and resource events of one agent.' });
/** `ai_orchestration:system:{system_id}`: system events (`system.health.changed` on `system:health`); system.admin only. */
export const OrchestrationSystemStream = stream('ai_orchestration:system:{system_id}', { description: 'System events (health events use the id "health").' });
/** `ai_orchestration:batch_execution:{batch_id}`: events of one batch (its `batch_id` column). */
export const OrchestrationBatchStream = stream('ai_orchestration:batch_execution:{batch_id}', { description: 'Events of one batch execution (batch_id column).' });
/** `ai_orchestration:circuit_breaker:{breaker_id}`: one breaker, or `all` (every service breaker). */
export const OrchestrationBreakerStream = stream('ai_orchestration:circuit_breaker:{breaker_id}', { description: 'Events of one circuit breaker, or of every service breaker (id "all").' });
/** `ai_orchestration:circuit_breaker_service:{service}`: the breakers of one service. */
export const OrchestrationBreakerServiceStream = stream('ai_orchestration:circuit_breaker_service:{service}', { description: 'Events of the service breakers of one service.' });
/** `ai_orchestration:ralph_loop:{loop_id}`: events of one Ralph loop. */
export const OrchestrationRalphLoopStream = stream('ai_orchestration:ralph_loop:{loop_id}', { description: 'Events of one Ralph loop.' });
/** `ai_orchestration:worktree_session:{session_id}`: session, worktree and merge events of one worktree session. */
export const OrchestrationWorktreeSessionStream = stream('ai_orchestration:worktree_session:{session_id}', { description: 'Session, worktree and merge events of one worktree session.' });
/** `ai_orchestration_{account_id}`: where the monitoring controller publishes `system_metrics_update`. */
export const LegacyMetricsStream = stream('ai_orchestration_{account_id}', { description: "The monitoring controller's system_metrics_update of one account." });

/** Every stream an AiOrchestrationChannel subscription can follow (its `static streams`). */
export const ORCHESTRATION_STREAMS = [
  OrchestrationAccountStream, OrchestrationMonitoringStream, OrchestrationWorkflowStream, OrchestrationRunStream, OrchestrationAgentStream,
  OrchestrationSystemStream, OrchestrationBatchStream, OrchestrationBreakerStream, OrchestrationBreakerServiceStream, OrchestrationRalphLoopStream,
  OrchestrationWorktreeSessionStream, LegacyMetricsStream,
] as const;

/** `ai_orchestration:<type>:<id>`. */
export function orchestrationStream(type: string, id: string): string {
  return `ai_orchestration:${type}:${id}`;
}

/** `ai_orchestration_<account>`: where the monitoring controller publishes `system_metrics_update`. */
export function legacyMetricsStream(accountId: string): string {
  return LegacyMetricsStream.name({ account_id: accountId });
}

/**
 * One orchestration event: `{event:<name>, resource_type:<resourceType>, resource_id, payload, timestamp}` on
 * `streams` (the fan-out the docs give; a producer broadcasts the same message, with one timestamp, to each).
 */
export function orchestrationEvent<N extends string, R extends string, P extends z.ZodType>(
  name: N, resourceType: R, streams: readonly StreamSpec[], summary: string, payload: P,
) {
  return defineEvent({
    name, key: 'event', delivery: ['broadcast'], streams, stamp: true, summary,
    fields: { resource_type: z.literal(resourceType), resource_id: z.string(), payload },
  });
}

/**
 * Orchestration events whose name is built from an argument (`workflow.*`, `agent.*`, …): the same envelope with
 * `event` an input (key-less; `label` is the catalog's name for the family).
 */
export function orchestrationFamily<R extends string, P extends z.ZodType>(label: string, resourceType: R, streams: readonly StreamSpec[], summary: string, payload: P) {
  return defineEvent({
    name: label, key: null, delivery: ['broadcast'], streams, stamp: true, summary,
    fields: { event: z.string(), resource_type: z.literal(resourceType), resource_id: z.string(), payload },
  });
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

/** `system_metrics_update {metrics, timestamp}` on `ai_orchestration_<account>` (the monitoring controller; schema-only). */
export const SystemMetricsUpdate = defineEvent({
  name: 'system_metrics_update', delivery: ['broadcast'], streams: [LegacyMetricsStream], stamp: true,
  summary: "The monitoring controller's metrics (Rails publishes it).", fields: { metrics: z.record(z.string(), z.unknown()) },
});
