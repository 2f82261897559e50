// AiAgentExecutionChannel events (docs/channels.md), declared once in the channel catalog: the execution stream, the
// execution serializer built from the real columns (duration_ms, cost_usd, input_parameters), the transmitted and
// reply frames, and the two broadcasts of the original (schema-only: nothing in this server publishes them; a
// TypeScript producer derives its publisher with `broadcaster(ExecutionStatusChange)`).

import { z } from 'zod';
import { defineCustomEvent, defineEvent, stream } from '../../src/channel/index';
import { iso, isoNow } from '../application-channel';
import type { AiAgent, AiAgentExecution } from '../../src/db/prisma';
import { decimalString } from './ai-values';

/** An execution with its agent loaded (for `agent_name`). */
export type ExecutionWithAgent = AiAgentExecution & { agent: Pick<AiAgent, 'name'> | null };

/** `ai_agent_execution:{execution_id}` (the `execution_id` column, not the PK). */
export const AgentExecutionStream = stream('ai_agent_execution:{execution_id}', { description: 'Updates of one agent execution (by its execution_id column).' });

/** The stream of one execution: `ai_agent_execution:<execution_id column>`. */
export function agentExecutionStream(executionId: string): string {
  return AgentExecutionStream.name({ execution_id: executionId });
}

const Json = z.unknown();
const Execution = z.object({
  id: z.string(), execution_id: z.string(), agent_id: z.string(), agent_name: z.string().nullable(), status: z.string(),
  started_at: z.string().nullable(), completed_at: z.string().nullable(), execution_time_ms: z.number().nullable(),
  total_cost: z.string().nullable(), input_data: Json, output_data: Json, error_details: Json,
});

/** The `execution` object of `execution_status` / `agent_status` replies. */
export function serializeExecution(execution: ExecutionWithAgent): z.input<typeof Execution> {
  return {
    id: execution.id,
    execution_id: execution.executionId,
    agent_id: execution.aiAgentId,
    agent_name: execution.agent?.name ?? null,
    status: execution.status,
    started_at: iso(execution.startedAt),
    completed_at: iso(execution.completedAt),
    execution_time_ms: execution.durationMs,
    total_cost: decimalString(execution.costUsd),
    input_data: execution.inputParameters ?? {},
    output_data: execution.outputData ?? {},
    error_details: execution.errorDetails ?? {},
  };
}

// Broadcasts (schema-only).

/** A free-form update: the producer's hash with `timestamp` appended (no name key of its own). */
export const ExecutionUpdate = defineCustomEvent<Record<string, unknown>>({
  name: 'execution_update', key: null, delivery: ['broadcast'], streams: [AgentExecutionStream],
  summary: "A producer's free-form hash with `timestamp` appended (the hash usually carries its own `type`).",
  schema: z.looseObject({ timestamp: z.string() }),
  build: (update) => ({ ...update, timestamp: isoNow() }),
});

/** `status_change {execution_id, status, …details, timestamp}`. */
export const ExecutionStatusChange = defineCustomEvent<{ execution_id: string; status: string; details?: Record<string, unknown> }>({
  name: 'status_change', delivery: ['broadcast'], streams: [AgentExecutionStream],
  summary: 'The execution changed status; `details` are spread between `status` and `timestamp`.',
  schema: z.looseObject({ type: z.literal('status_change'), execution_id: z.string(), status: z.string(), timestamp: z.string() }),
  build: ({ execution_id, status, details = {} }) => ({ type: 'status_change', execution_id, status, ...details, timestamp: isoNow() }),
});

// Transmitted and replies.

/** On subscribe. */
export const ExecutionSubscriptionConfirmed = defineEvent({
  name: 'subscription.confirmed', delivery: ['transmit'], stamp: true, fields: { channel: z.literal('agent_execution'), execution_id: z.string() },
});
/** `request_status` → the execution. */
export const ExecutionStatus = defineEvent({ name: 'execution_status', delivery: ['reply'], replyTo: ['request_status'], stamp: true, fields: { execution: Execution } });
/** `request_agent_status {agent_id}` → the agent and its ≤5 newest executions. */
export const AgentStatus = defineEvent({
  name: 'agent_status', delivery: ['reply'], replyTo: ['request_agent_status'], stamp: true,
  fields: { agent_id: z.string(), agent_name: z.string(), status: z.string(), recent_executions: z.array(Execution) },
});
/** A failed action (`Execution not found`, `Missing agent_id`, `Agent not found`, `Request failed`). */
export const ExecutionError = defineEvent({
  name: 'error', delivery: ['reply'], replyTo: ['request_status', 'request_agent_status'], stamp: true, fields: { error: z.string() },
});

/** Every AiAgentExecutionChannel event (its `static events`). */
export const AGENT_EXECUTION_EVENTS = [ExecutionUpdate, ExecutionStatusChange, ExecutionSubscriptionConfirmed, ExecutionStatus, AgentStatus, ExecutionError] as const;
