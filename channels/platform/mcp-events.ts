// McpChannel streams and events. Subscribers stream the bare names the original subscribed to and the
// `mcp:`-prefixed names Rails producers publish to (McpChannel.broadcast_to); our publishers use the bare names.
// The server publishes the workflow, agent and tool-execution status notifications (mcp-job-status.ts); the
// others are schema-only (`broadcaster(ToolsListChanged)`, `broadcaster(McpResourceEvent, McpKindEventsStream)`).

import { z } from 'zod';
import { broadcaster, defineCustomEvent, defineEvent, stream, type StreamSpec } from '../../src/channel/index';
import { isoNow } from '../application-channel';

/** `mcp_account_{account_id}`. */
export const McpAccountStream = stream('mcp_account_{account_id}', { description: 'MCP notifications of one account.' });
/** `mcp_user_{user_id}`. */
export const McpUserStream = stream('mcp_user_{user_id}', { description: 'MCP notifications of one user (their tool executions).' });
/** `mcp_tools_{account_id}` (tool registry changes). */
export const McpToolsStream = stream('mcp_tools_{account_id}', { description: "Changes to the account's tool registry." });
/** `mcp_{kind}_events_{account_id}`: every tool/workflow/agent event of the account (`subscribe_to_resource` `all`). */
export const McpKindEventsStream = stream('mcp_{kind}_events_{account_id}', {
  description: 'Every event of one resource kind (tool, workflow, agent) of the account; added by `subscribe_to_resource` with `resource_id: "all"`.',
});
/** `mcp_{kind}_{resource_id}_events`: events of one tool/workflow/agent (`subscribe_to_resource`). */
export const McpResourceEventsStream = stream('mcp_{kind}_{resource_id}_events', {
  description: 'Events of one tool, workflow or agent of the account; added by `subscribe_to_resource`.',
});
/** The names Rails producers publish to (`McpChannel.broadcast_to(name)` → `mcp:<name>`), streamed as well. */
export const RailsMcpStreams: readonly StreamSpec<string>[] = [
  stream('mcp:mcp_account_{account_id}', { description: 'What Rails publishes with McpChannel.broadcast_to("mcp_account_<account_id>").' }),
  stream('mcp:mcp_user_{user_id}', { description: 'What Rails publishes with McpChannel.broadcast_to("mcp_user_<user_id>").' }),
  stream('mcp:mcp_tools_{account_id}', { description: 'What Rails publishes with McpChannel.broadcast_to("mcp_tools_<account_id>").' }),
  stream('mcp:account_{account_id}', { description: 'What Rails publishes with McpChannel.broadcast_to("account_<account_id>").' }),
  stream('mcp:mcp_{kind}_{resource_id}_events', { description: 'What Rails publishes for one resource; added by `subscribe_to_resource`.' }),
];

/** `mcp_account_<account_id>`. */
export const mcpAccountStream = (accountId: string): string => McpAccountStream.name({ account_id: accountId });
/** `mcp_user_<user_id>`. */
export const mcpUserStream = (userId: string): string => McpUserStream.name({ user_id: userId });
/** `mcp_tools_<account_id>` (tool registry changes). */
export const mcpToolsStream = (accountId: string): string => McpToolsStream.name({ account_id: accountId });
/** `mcp_<kind>_events_<account_id>`: every tool/workflow/agent event of the account. */
export const mcpKindEventsStream = (kind: McpResourceKind, accountId: string): string => McpKindEventsStream.name({ kind, account_id: accountId });
/** `mcp_<kind>_<id>_events`: events of one tool/workflow/agent. */
export const mcpResourceEventsStream = (kind: McpResourceKind, id: string): string => McpResourceEventsStream.name({ kind, resource_id: id });
/** Rails `McpChannel.broadcast_to(name)` → `mcp:<name>`. */
export const railsMcpStream = (name: string): string => `mcp:${name}`;

/** Resource kinds of `subscribe_to_resource`. */
export type McpResourceKind = 'tool' | 'workflow' | 'agent';
const KINDS = ['tool', 'workflow', 'agent'] as const;

// ---------------------------------------------------------------------------------------------------------------
// UI notifications: `{type:"json_rpc_notification", data:{jsonrpc, method, params:{…, timestamp}}, jsonrpc, method, params}`

/**
 * A JSON-RPC 2.0 notification in the envelope the UI reads (`type: "json_rpc_notification"`, the notification in
 * `data`), with the notification's keys also at the top level for plain MCP clients; `params` gets a `timestamp`.
 */
function uiNotification<P extends z.ZodObject>(method: string, params: P, on: StreamSpec<string>, summary: string) {
  const stamped = params.extend({ timestamp: z.string() });
  const notification = z.object({ jsonrpc: z.literal('2.0'), method: z.literal(method), params: stamped });
  return defineCustomEvent<z.input<P>>({
    name: method, key: 'method', delivery: ['broadcast'], streams: [on], summary,
    schema: z.object({ type: z.literal('json_rpc_notification'), data: notification, jsonrpc: z.literal('2.0'), method: z.literal(method), params: stamped }),
    build: (input) => {
      const n = { jsonrpc: '2.0', method, params: { ...(input as Record<string, unknown>), timestamp: isoNow() } };
      return { type: 'json_rpc_notification', data: n, ...n };
    },
  });
}

/** `tools/list_changed {tools}` to `mcp_tools_<account_id>` (no producer here: tools change in Rails). */
export const ToolsListChanged = uiNotification('tools/list_changed', z.object({ tools: z.array(z.record(z.string(), z.unknown())) }), McpToolsStream, 'The tool registry changed.');
/** `workflow/status_changed {workflow_id, run_id, workflow_run_id?, status}` to `mcp_account_<account_id>`. */
export const WorkflowStatusChanged = uiNotification(
  'workflow/status_changed', z.looseObject({ workflow_id: z.string(), run_id: z.string(), workflow_run_id: z.string().optional(), status: z.string() }),
  McpAccountStream, 'A workflow run moved (its AiWorkflowExecutionJob was claimed or finished).',
);
/** `agent/status_changed {agent_id, execution_id, id?, status}` to `mcp_account_<account_id>`. */
export const AgentStatusChanged = uiNotification(
  'agent/status_changed', z.looseObject({ agent_id: z.string(), execution_id: z.string(), id: z.string().optional(), status: z.string() }),
  McpAccountStream, 'An agent execution moved (its AiAgentExecutionJob was claimed or finished).',
);
/** A tool execution as the UI's McpToolExecution reads it. */
const ToolExecution = z.looseObject({
  execution_id: z.string(), tool_id: z.string(), tool_name: z.string(), status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']),
  job_id: z.string().optional(), result: z.unknown().optional(), error: z.string().optional(), duration_ms: z.number().optional(),
});
/** `tool_execution/status_changed` to `mcp_user_<user_id>` of the user who called the tool. */
export const ToolExecutionStatusChanged = uiNotification(
  'tool_execution/status_changed', ToolExecution, McpUserStream, 'A tool call of this user moved (its Mcp::ToolExecutionJob was claimed or finished).',
);

/** Published when a workflow run's job is claimed or finishes (mcp-job-status.ts). */
export const publishWorkflowStatusChanged = broadcaster(WorkflowStatusChanged);
/** Published when an agent execution's job is claimed or finishes (mcp-job-status.ts). */
export const publishAgentStatusChanged = broadcaster(AgentStatusChanged);
/** Published when a tool call's job is claimed or finishes (mcp-job-status.ts). */
export const publishToolExecutionStatusChanged = broadcaster(ToolExecutionStatusChanged);

// ---------------------------------------------------------------------------------------------------------------
// The original's generic notifications: `{jsonrpc:"2.0", method:"notification", params:{…, timestamp}}`

/** The original's generic notification to `mcp_account_<id>` or `mcp_user_<id>`: `params` is the message plus `timestamp`. */
export const McpNotification = defineCustomEvent<Record<string, unknown>>({
  name: 'notification', key: 'method', delivery: ['broadcast'], streams: [McpAccountStream, McpUserStream],
  summary: "The original's generic notification (any params, plus timestamp).",
  schema: z.object({ jsonrpc: z.literal('2.0'), method: z.literal('notification'), params: z.looseObject({ timestamp: z.string() }) }),
  build: (message) => ({ jsonrpc: '2.0', method: 'notification', params: { ...message, timestamp: isoNow() } }),
});

/** What a resource event says: the kind, the resource id, its event type and data. */
export interface McpResourceEventInput {
  kind: McpResourceKind;
  id: string;
  event_type: string;
  data: unknown;
}

/**
 * The original's `broadcast_tool_event` generalised to tools, workflows and agents: `{jsonrpc, method:"notification",
 * params:{type:"<kind>_event", event_type, <kind>_id, data, timestamp}}` to the account-wide and the per-resource
 * event streams of `subscribe_to_resource` (a client subscribes to one of the two; a producer sends to both).
 */
export const McpResourceEvent = defineCustomEvent<McpResourceEventInput>({
  name: 'notification', key: 'method', delivery: ['broadcast'], streams: [McpKindEventsStream, McpResourceEventsStream],
  summary: 'A tool, workflow or agent event (`params.type` `<kind>_event`, with `<kind>_id`), sent to both resource event streams.',
  schema: z.object({
    jsonrpc: z.literal('2.0'), method: z.literal('notification'),
    params: z.union(KINDS.map((k) => z.object({ type: z.literal(`${k}_event`), event_type: z.string(), [`${k}_id`]: z.string(), data: z.unknown(), timestamp: z.string() }))),
  }),
  build: ({ kind, id, event_type, data }) => ({
    jsonrpc: '2.0', method: 'notification', params: { type: `${kind}_event`, event_type, [`${kind}_id`]: id, data, timestamp: isoNow() },
  }),
});

// ---------------------------------------------------------------------------------------------------------------
// Transmitted and replies

/** The JSON-RPC error object (docs/channels.md: codes −32600, −32601, −32602, −32603). */
const RpcError = z.object({ code: z.number(), message: z.string(), data: z.object({ type: z.string(), timestamp: z.string() }) });
const RpcId = z.union([z.string(), z.number(), z.null()]);
/** The original's JSON-RPC-shaped actions. */
const ACTIONS = ['initialize_protocol', 'list_tools', 'describe_tool', 'call_tool', 'execute_workflow', 'execute_agent', 'ping', 'subscribe_to_resource'];

/** On subscribe: `{jsonrpc, method:"initialized", params:{…}, timestamp}`. */
export const McpInitialized = defineEvent({
  name: 'initialized', key: 'method', delivery: ['transmit'], stamp: true,
  fields: {
    jsonrpc: z.literal('2.0'), method: z.literal('initialized'),
    params: z.object({
      connection_id: z.string(), server_capabilities: z.record(z.string(), z.unknown()), available_tools: z.number(), account_id: z.string(),
      user_permissions: z.array(z.string()),
    }),
  },
});

/** What an answer carries: the request's id and a result or an error. */
export interface RpcBody {
  id: string | number | null;
  result?: unknown;
  error?: z.input<typeof RpcError>;
}

/** The answer to an action (and to a failed or refused one, id null when unknown): `{jsonrpc, id, result|error, timestamp}`. */
export const McpResponse = defineEvent({
  name: 'response', key: null, delivery: ['reply'], replyTo: ACTIONS, stamp: true,
  summary: 'A JSON-RPC response (no `type`): `result` or `error`.',
  fields: { jsonrpc: z.literal('2.0'), id: RpcId, result: z.unknown().optional(), error: RpcError.optional() },
});

/** `json_rpc_request`'s answer: `{type:"json_rpc_response", data:{jsonrpc, id, result|error}, jsonrpc, id, result|error, timestamp}`. */
export const McpJsonRpcResponse = defineCustomEvent<RpcBody & { timestamp: string }>({
  name: 'json_rpc_response', delivery: ['reply'], replyTo: ['json_rpc_request'], summary: 'The UI reads `type` and `data`; the response is repeated at the top level.',
  schema: z.object({
    type: z.literal('json_rpc_response'),
    data: z.object({ jsonrpc: z.literal('2.0'), id: RpcId, result: z.unknown().optional(), error: RpcError.optional() }),
    jsonrpc: z.literal('2.0'), id: RpcId, result: z.unknown().optional(), error: RpcError.optional(), timestamp: z.string(),
  }),
  build: ({ timestamp, ...body }) => ({ type: 'json_rpc_response', data: { jsonrpc: '2.0', ...body }, jsonrpc: '2.0', ...body, timestamp }),
});

/** Every McpChannel event (its `static events`). */
export const MCP_EVENTS = [
  ToolsListChanged, WorkflowStatusChanged, AgentStatusChanged, ToolExecutionStatusChanged, McpNotification, McpResourceEvent,
  McpInitialized, McpResponse, McpJsonRpcResponse,
] as const;
