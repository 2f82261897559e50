// Payloads and publishers of AiAgentExecutionChannel (docs/channels.md): the execution serializer built from the real
// columns (duration_ms, cost_usd, input_parameters) and the two broadcast helpers of the original.

import { iso, isoNow } from '../application-channel';
import type { AiAgent, AiAgentExecution } from '../../src/db/prisma';
import type { Broadcaster } from '../support/services';
import { decimalString } from './ai-values';

/** An execution with its agent loaded (for `agent_name`). */
export type ExecutionWithAgent = AiAgentExecution & { agent: Pick<AiAgent, 'name'> | null };

/** The stream of one execution: `ai_agent_execution:<execution_id column>`. */
export function agentExecutionStream(executionId: string): string {
  return `ai_agent_execution:${executionId}`;
}

/** The `execution` object of `execution_status` / `agent_status` replies. */
export function serializeExecution(execution: ExecutionWithAgent): Record<string, unknown> {
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

/** Broadcast a free-form update (the hash plus `timestamp`) to the execution's subscribers. */
export async function publishExecutionUpdate(b: Broadcaster, executionId: string, update: Record<string, unknown>): Promise<void> {
  await b.broadcast(agentExecutionStream(executionId), { ...update, timestamp: isoNow() });
}

/** Broadcast `{type:"status_change", execution_id, status, …details, timestamp}` to the execution's subscribers. */
export async function publishExecutionStatusChange(b: Broadcaster, executionId: string, status: string, details: Record<string, unknown> = {}): Promise<void> {
  await b.broadcast(agentExecutionStream(executionId), { type: 'status_change', execution_id: executionId, status, ...details, timestamp: isoNow() });
}
