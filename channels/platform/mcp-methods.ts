// The MCP methods behind McpChannel's actions and its `json_rpc_request` dispatcher. Everything is read within
// the caller's account; tool calls, workflow and agent runs go to workers through the job outbox.

import { randomBytes, randomUUID } from 'node:crypto';
import { executeWorkflow as startWorkflowRun, ownWorkflow, WorkflowError } from '../ai/workflow-writes';
import { ClientError, NotFoundError, ParamsInvalidError } from '../../src/channel/index';
import type { Db, McpTool } from '../../src/db/prisma';
import { iso, isUuid } from '../application-channel';
import type { JobQueue } from '../support/services';
import { mcpKindEventsStream, mcpResourceEventsStream, railsMcpStream, type McpResourceKind } from './mcp-events';

/** What a method may use: the database, the job outbox, who is calling, and a way to add a stream (McpChannel checks permissions first). */
export interface McpContext {
  db: Db;
  jobs: JobQueue;
  accountId: string;
  userId: string;
  connectionId: string;
  /** Stream `stream` to this subscription; resolves when live, rejects when pub/sub cannot subscribe it. */
  follow(stream: string): Promise<void>;
  /** Log a failure the caller is not told about. */
  warn(message: string, err: unknown): void;
}

/** A JSON-RPC error with the codes of docs/channels.md (McpChannel) and the original's `data.type`. */
export class McpError extends ClientError {
  constructor(readonly rpcCode: number, message: string, readonly type: string) {
    super(message);
    this.name = 'McpError';
  }
}

/** −32602: missing or invalid params, unknown tool/resource (McpChannel::ProtocolError). */
export const protocolError = (message: string) => new McpError(-32602, message, 'McpChannel::ProtocolError');
/** −32600: not allowed (McpChannel::AuthorizationError). */
export const authorizationError = (message: string) => new McpError(-32600, message, 'McpChannel::AuthorizationError');

/** The JSON-RPC `error` object for any failure; internals never leak (−32603 "Internal error"). */
export function rpcError(err: unknown, timestamp: string): { code: number; message: string; data: { type: string; timestamp: string } } {
  const e = err instanceof McpError ? err
    : err instanceof ParamsInvalidError ? protocolError(`Invalid params: ${err.issues.map((i) => i.path || '(root)').join(', ')}`)
    : err instanceof NotFoundError ? new McpError(-32601, 'Record not found', 'ActiveRecord::RecordNotFound')
    : new McpError(-32603, 'Internal error', 'StandardError');
  return { code: e.rpcCode, message: e.message, data: { type: e.type, timestamp } };
}

/** Protocol versions this server speaks, newest first. */
export const MCP_PROTOCOL_VERSIONS: readonly string[] = ['2025-06-18', '2025-03-26', '2024-11-05'];
/** `server_info` / `serverInfo`. */
export const MCP_SERVER_INFO = { name: 'Powernode MCP Server', version: '1.0.0' } as const;

/** The server capabilities announced in `initialized` and `initialize`. */
export function serverCapabilities(): Record<string, unknown> {
  return { tools: { listChanged: true }, resources: { subscribe: true, listChanged: false }, logging: {}, experimental: { workflows: {}, agents: {} } };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
/** Longest name, id or filter a method reads from params (longer text never reaches a query). */
export const MCP_MAX_TEXT = 255;

/** A non-empty string param, or undefined; −32602 when it is longer than MCP_MAX_TEXT. */
function str(v: unknown): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  if (v.length > MCP_MAX_TEXT) throw protocolError(`Invalid params: a value is longer than ${MCP_MAX_TEXT} characters`);
  return v;
}

/** `initialize`: negotiated protocol version, capabilities and server info. */
export function initialize(params: Json): Json {
  const requested = str(params.protocolVersion);
  const protocolVersion = requested && MCP_PROTOCOL_VERSIONS.includes(requested) ? requested : MCP_PROTOCOL_VERSIONS[0];
  return { protocolVersion, capabilities: serverCapabilities(), serverInfo: MCP_SERVER_INFO };
}

/** An MCP tool definition from a McpTool row. */
export function toolJson(t: McpTool): Json {
  return { name: t.name, description: t.description ?? '', inputSchema: t.inputSchema ?? { type: 'object', properties: {} }, id: t.id, tool_type: t.toolType };
}

/** `tools/list`: the account's enabled tools, optionally filtered by `tool_type` and a name/description `search`. */
export async function listTools(ctx: McpContext, filters: Json): Promise<Json> {
  const toolType = str(filters.tool_type);
  const rows = await ctx.db.mcpTool.findMany({ where: { accountId: ctx.accountId, enabled: true, ...(toolType ? { toolType } : {}) }, orderBy: { name: 'asc' } });
  const q = (str(filters.search) ?? str(filters.query) ?? '').toLowerCase();
  const hits = rows.filter((t) => q === '' || t.name.toLowerCase().includes(q) || (t.description ?? '').toLowerCase().includes(q));
  return { tools: hits.map(toolJson) };
}

async function findTool(ctx: McpContext, name: unknown): Promise<McpTool> {
  const toolName = str(name);
  if (!toolName) throw protocolError('Missing tool name');
  const tool = await ctx.db.mcpTool.findFirst({ where: { accountId: ctx.accountId, name: toolName, enabled: true } });
  if (!tool) throw protocolError(`Tool not found: ${toolName.slice(0, 100)}`);
  return tool;
}

/** `tools/describe` / `describe_tool {name}`. */
export async function describeTool(ctx: McpContext, params: Json): Promise<Json> {
  return toolJson(await findTool(ctx, params.name));
}

/** `tools/call` / `call_tool {name, arguments}`: queued for a worker (`Mcp::ToolExecutionJob`). */
export async function callTool(ctx: McpContext, params: Json): Promise<Json> {
  const tool = await findTool(ctx, params.name);
  if (params.arguments !== undefined && (typeof params.arguments !== 'object' || params.arguments === null || Array.isArray(params.arguments))) {
    throw protocolError('Tool arguments must be an object');
  }
  const executionId = randomUUID();
  const args = { execution_id: executionId, tool_id: tool.id, tool_name: tool.name, arguments: obj(params.arguments), user_id: ctx.userId, connection_id: ctx.connectionId, channel: 'mcp_channel' };
  const job = await ctx.jobs.enqueue({ accountId: ctx.accountId, jobClass: 'Mcp::ToolExecutionJob', args: [args], queue: 'mcp' });
  return {
    execution_id: executionId, tool_id: tool.id, tool_name: tool.name, status: 'pending', job_id: job.id,
    content: [{ type: 'text', text: `Tool ${tool.name} queued for execution` }], isError: false,
  };
}

/**
 * `execute_workflow` / `workflow/execute`: the AI channels' execution path (channels/ai/workflow-writes.ts), so a run
 * started here is the same row and the same AiWorkflowExecutionJob `[run_id, options]` as one started there.
 */
export async function executeWorkflow(ctx: McpContext, params: Json): Promise<Json> {
  if (!str(params.workflow_id)) throw protocolError('Missing workflow_id');
  const { run, queueError } = await asProtocolError(async () => {
    const workflow = await ownWorkflow(ctx.db, ctx.accountId, params.workflow_id);
    return startWorkflowRun(ctx.db, ctx.jobs, workflow, ctx.userId, params.input_variables ?? params.variables);
  });
  if (queueError) ctx.warn('workflow execution could not be queued', queueError);
  return { workflow_run_id: run.id, run_id: run.runId, workflow_id: run.aiWorkflowId, status: run.status, started_at: iso(run.startedAt ?? run.createdAt) };
}

/** A refusal of the workflow path (not found, not executable, invalid variables) as −32602 with its message. */
async function asProtocolError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof WorkflowError ? protocolError(err.message) : err;
  }
}

/** `execute_agent` / `agent/execute`: an execution of an active agent of the account, queued for AiAgentExecutionJob. */
export async function executeAgent(ctx: McpContext, params: Json): Promise<Json> {
  const agentId = str(params.agent_id);
  if (!agentId) throw protocolError('Missing agent_id');
  const agent = isUuid(agentId) ? await ctx.db.aiAgent.findFirst({ where: { id: agentId.toLowerCase(), accountId: ctx.accountId } }) : null;
  if (!agent) throw protocolError('Agent not found');
  if (agent.status !== 'active') throw protocolError('Agent is not active');
  const execution = await ctx.db.aiAgentExecution.create({
    data: {
      accountId: ctx.accountId, aiAgentId: agent.id, userId: ctx.userId, executionId: `exec_${randomBytes(12).toString('hex')}`, status: 'pending',
      inputParameters: { ...obj(params.input_parameters ?? params.parameters), execution_options: obj(params.execution_options), connection_id: ctx.connectionId } as never,
    },
  });
  await ctx.jobs.enqueue({ accountId: ctx.accountId, jobClass: 'AiAgentExecutionJob', args: [execution.id], queue: 'ai_agents' });
  return { agent_id: agent.id, execution_id: execution.executionId, id: execution.id, status: execution.status };
}

/** `ping`: the original's result. */
export function ping(timestamp: string): Json {
  return { pong: true, timestamp, server_info: MCP_SERVER_INFO };
}

const KINDS: Readonly<Record<string, McpResourceKind>> = { tool_events: 'tool', workflow_events: 'workflow', agent_events: 'agent' };

/** `subscribe_to_resource {resource_type, resource_id}`: `all` or one resource of the caller's account. */
export async function subscribeToResource(ctx: McpContext, params: Json): Promise<Json> {
  const resourceType = str(params.resource_type) ?? '';
  const kind = KINDS[resourceType];
  if (!kind) throw protocolError(`Unknown resource type: ${resourceType.slice(0, 50)}`);
  const resourceId = str(params.resource_id);
  if (!resourceId) throw protocolError('Missing resource_id');
  if (resourceId === 'all') {
    await ctx.follow(mcpKindEventsStream(kind, ctx.accountId));
  } else {
    const id = await ownedResourceId(ctx, kind, resourceId);
    await Promise.all([ctx.follow(mcpResourceEventsStream(kind, id)), ctx.follow(railsMcpStream(mcpResourceEventsStream(kind, id)))]);
  }
  return { subscribed: true, resource_type: resourceType, resource_id: resourceId };
}

async function ownedResourceId(ctx: McpContext, kind: McpResourceKind, id: string): Promise<string> {
  if (!isUuid(id)) throw protocolError(`${kind} not found`);
  const where = { id: id.toLowerCase(), accountId: ctx.accountId };
  const select = { id: true } as const;
  const row = kind === 'tool' ? await ctx.db.mcpTool.findFirst({ where, select })
    : kind === 'workflow' ? await ctx.db.aiWorkflow.findFirst({ where, select })
    : await ctx.db.aiAgent.findFirst({ where, select });
  if (!row) throw protocolError(`${kind} not found`);
  return row.id;
}
