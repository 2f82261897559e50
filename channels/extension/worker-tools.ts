// The agent tool bridge behind WorkerToolDispatchChannel (the original's Ai::AgentToolBridgeService): LLM tool
// definitions built from the McpTool rows of the agent's account, and tool calls handed to the job outbox. Results
// are never invented: the executing worker records the result via complete_job, and the call is answered with it.

import { z } from 'zod';
import { broadcaster, defineEvent, stream } from '../../src/channel/index';
import type { Db } from '../../src/db/prisma';
import { jsonFault, type JsonLimits } from '../support/bounded-json';
import type { AppServices } from '../support/services';
import { jsonObject } from './extension-payloads';

/** Job class of a tool call handed to the outbox (args: one object, see `enqueueToolCall`). */
export const TOOL_DISPATCH_JOB = 'Ai::AgentToolDispatchJob';
/** Queue of tool-call jobs. */
export const TOOL_DISPATCH_QUEUE = 'ai_tools';

/** The agent columns the bridge reads. */
export interface ToolAgent {
  id: string;
  accountId: string;
  agentType: string;
  configuration: unknown;
}

/** One LLM function-calling tool definition. */
export interface LlmTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** The agent's `configuration.tool_access` (the original's `mcp_metadata["tool_access"]`). */
function toolAccess(agent: ToolAgent): Record<string, unknown> {
  return jsonObject(jsonObject(agent.configuration).tool_access);
}

/** `tools_enabled?`: never for `mcp_client` agents; otherwise `tool_access.enabled` when set, else true. */
export function toolsEnabled(agent: ToolAgent): boolean {
  if (agent.agentType === 'mcp_client') return false;
  const access = toolAccess(agent);
  return 'enabled' in access ? access.enabled === true : true;
}

/** `tool_access.allowed_tools` as a whitelist, or null when absent, empty or `["*"]`. */
function allowedTools(agent: ToolAgent): Set<string> | null {
  const allowed = toolAccess(agent).allowed_tools;
  if (!Array.isArray(allowed) || allowed.length === 0) return null;
  if (allowed.length === 1 && allowed[0] === '*') return null;
  return new Set(allowed.filter((n): n is string => typeof n === 'string'));
}

/** JSON schema of a tool's input, without the internal `action` property (the original's convert_to_llm_tool). */
function llmParameters(inputSchema: unknown): Record<string, unknown> {
  const schema = { ...jsonObject(inputSchema) };
  const properties = { ...jsonObject(schema.properties) };
  delete properties.action;
  const required = Array.isArray(schema.required) ? schema.required.filter((r) => r !== 'action') : undefined;
  return { ...schema, type: 'object', properties, ...(required ? { required } : {}) };
}

/** The enabled McpTool rows of the agent's account, filtered by the agent's whitelist, as LLM tools. */
export async function toolDefinitions(db: Db, agent: ToolAgent): Promise<LlmTool[]> {
  const rows = await db.mcpTool.findMany({ where: { accountId: agent.accountId, enabled: true }, orderBy: { name: 'asc' } });
  const allowed = allowedTools(agent);
  return rows
    .filter((t) => !allowed || allowed.has(t.name))
    .map((t) => ({ name: t.name, description: t.description ?? '', parameters: llmParameters(t.inputSchema) }));
}

/** A tool call as the worker sends it (arguments may be a JSON string, as LLM APIs return them). */
export interface ToolCall {
  name: string;
  id?: string | undefined;
  arguments?: unknown;
}

/** The original's error-as-result shapes (`{error, tool?, message}`), returned as `data.result`. */
export function toolError(error: string, tool: string, message: string): Record<string, unknown> {
  return { error, tool, message };
}

/** A tool's output as `dispatch_tool` returns it: JSON text parsed, other text raw, anything else as recorded. */
export function toolOutput(recorded: unknown): unknown {
  if (typeof recorded !== 'string') return recorded ?? null;
  try {
    return JSON.parse(recorded) as unknown;
  } catch {
    return recorded;
  }
}

/** How deep and large tool arguments may be, as sent or once parsed from JSON text (they are stored in the outbox). */
export const TOOL_ARGUMENT_LIMITS: JsonLimits = Object.freeze({ maxDepth: 32, maxBytes: 256 * 1024 });

/** Parse `arguments` (object or JSON text) into an object within TOOL_ARGUMENT_LIMITS, or null when it is not one. */
export function toolArguments(raw: unknown): Record<string, unknown> | null {
  if (raw === undefined || raw === null || raw === '') return {};
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (jsonFault(value, TOOL_ARGUMENT_LIMITS)) return null;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Put the tool call in the job outbox (it reaches the account's workers on their job stream). */
export async function enqueueToolCall(
  services: AppServices,
  agent: ToolAgent,
  call: { name: string; id: string | null; arguments: Record<string, unknown> },
  workerId: string,
): Promise<{ id: string }> {
  const args = [{ agent_id: agent.id, account_id: agent.accountId, tool_call: call, requested_by_worker_id: workerId }];
  return services.jobs.enqueue({ accountId: agent.accountId, jobClass: TOOL_DISPATCH_JOB, args, queue: TOOL_DISPATCH_QUEUE });
}

/** `worker_tool_dispatch:{worker_id}`: what the worker's WorkerToolDispatchChannel subscription relays. */
export const ToolDispatchStream = stream('worker_tool_dispatch:{worker_id}', { description: 'Messages for one worker, relayed by its WorkerToolDispatchChannel subscription.' });

/** `worker_tool_dispatch:<worker_id>`. */
export function toolDispatchStream(workerId: string): string {
  return ToolDispatchStream.name({ worker_id: workerId });
}

/** `{type:"tool_result", job_id, agent_id, tool_call_id, tool, success, result, error}`: a finished tool job, to the worker that asked for it. */
export const ToolResultPushed = defineEvent({
  name: 'tool_result', delivery: ['broadcast'], streams: [ToolDispatchStream],
  summary: 'A tool-call job finished (complete_job); it also answers the waiting dispatch_tool request.',
  fields: {
    job_id: z.string(), agent_id: z.string().nullable(), tool_call_id: z.string().nullable(), tool: z.string().nullable(),
    success: z.boolean(), result: z.unknown(), error: z.string().nullable(),
  },
});
/** Push `tool_result` to the requesting worker's stream (complete_job, through announceJob). */
export const publishToolResult = broadcaster(ToolResultPushed);
