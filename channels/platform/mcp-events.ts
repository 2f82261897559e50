// McpChannel streams and publishers. Subscribers stream the bare names the original subscribed to and the
// `mcp:`-prefixed names Rails producers publish to (McpChannel.broadcast_to); our publishers use the bare names.

import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** `mcp_account_<account_id>`. */
export const mcpAccountStream = (accountId: string): string => `mcp_account_${accountId}`;
/** `mcp_user_<user_id>`. */
export const mcpUserStream = (userId: string): string => `mcp_user_${userId}`;
/** `mcp_tools_<account_id>` (tool registry changes). */
export const mcpToolsStream = (accountId: string): string => `mcp_tools_${accountId}`;
/** `mcp_<kind>_events_<account_id>`: every tool/workflow/agent event of the account. */
export const mcpKindEventsStream = (kind: McpResourceKind, accountId: string): string => `mcp_${kind}_events_${accountId}`;
/** `mcp_<kind>_<id>_events`: events of one tool/workflow/agent. */
export const mcpResourceEventsStream = (kind: McpResourceKind, id: string): string => `mcp_${kind}_${id}_events`;
/** Rails `McpChannel.broadcast_to(name)` → `mcp:<name>`. */
export const railsMcpStream = (name: string): string => `mcp:${name}`;

/** Resource kinds of `subscribe_to_resource`. */
export type McpResourceKind = 'tool' | 'workflow' | 'agent';

/** JSON-RPC notification methods the UI routes (useMcpWebSocket). */
export type McpNotificationMethod = 'tools/list_changed' | 'workflow/status_changed' | 'agent/status_changed' | 'tool_execution/status_changed';

/**
 * A JSON-RPC 2.0 notification in the envelope the UI reads (`type: "json_rpc_notification"`, the notification in
 * `data`), with the notification's keys also at the top level for plain MCP clients.
 */
export function mcpNotification(method: string, params: Record<string, unknown>): Record<string, unknown> {
  const notification = { jsonrpc: '2.0', method, params: { ...params, timestamp: isoNow() } };
  return { type: 'json_rpc_notification', data: notification, ...notification };
}

/** Publish a UI notification `method` to `stream`. */
export function publishMcpNotification(b: Broadcaster, stream: string, method: McpNotificationMethod, params: Record<string, unknown>): Promise<void> {
  return b.broadcast(stream, mcpNotification(method, params));
}

/** `tools/list_changed {tools}` to `mcp_tools_<account_id>`. */
export function publishToolsListChanged(b: Broadcaster, accountId: string, tools: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  return publishMcpNotification(b, mcpToolsStream(accountId), 'tools/list_changed', { tools });
}

/** `workflow/status_changed {workflow_id, run_id, status}` to `mcp_account_<account_id>`. */
export function publishWorkflowStatusChanged(b: Broadcaster, accountId: string, p: { workflow_id: string; run_id: string; status: string } & Record<string, unknown>): Promise<void> {
  return publishMcpNotification(b, mcpAccountStream(accountId), 'workflow/status_changed', p);
}

/** `agent/status_changed {agent_id, execution_id, status}` to `mcp_account_<account_id>`. */
export function publishAgentStatusChanged(b: Broadcaster, accountId: string, p: { agent_id: string; execution_id: string; status: string } & Record<string, unknown>): Promise<void> {
  return publishMcpNotification(b, mcpAccountStream(accountId), 'agent/status_changed', p);
}

/** A tool execution as the UI's McpToolExecution reads it. */
export interface ToolExecutionStatus extends Record<string, unknown> {
  execution_id: string;
  tool_id: string;
  tool_name: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  result?: unknown;
  error?: string;
  duration_ms?: number;
}

/** `tool_execution/status_changed` to `mcp_user_<user_id>` of the user who called the tool. */
export function publishToolExecutionStatusChanged(b: Broadcaster, userId: string, p: ToolExecutionStatus): Promise<void> {
  return publishMcpNotification(b, mcpUserStream(userId), 'tool_execution/status_changed', p);
}

/**
 * The original's `broadcast_tool_event` generalised to tools, workflows and agents: `{jsonrpc, method:"notification",
 * params:{type:"<kind>_event", event_type, <kind>_id, data, timestamp}}` to the account-wide and the per-resource
 * event streams of `subscribe_to_resource` (a client subscribes to one of the two).
 */
export async function publishMcpResourceEvent(b: Broadcaster, kind: McpResourceKind, accountId: string, id: string, eventType: string, data: unknown): Promise<void> {
  const message = { jsonrpc: '2.0', method: 'notification', params: { type: `${kind}_event`, event_type: eventType, [`${kind}_id`]: id, data, timestamp: isoNow() } };
  await b.broadcast(mcpKindEventsStream(kind, accountId), message);
  await b.broadcast(mcpResourceEventsStream(kind, id), message);
}

/** The original's generic `{jsonrpc, method:"notification", params:{…, timestamp}}` to `mcp_account_<id>`. */
export function publishMcpAccountNotification(b: Broadcaster, accountId: string, message: Record<string, unknown>): Promise<void> {
  return b.broadcast(mcpAccountStream(accountId), { jsonrpc: '2.0', method: 'notification', params: { ...message, timestamp: isoNow() } });
}

/** The original's generic notification to `mcp_user_<id>`. */
export function publishMcpUserNotification(b: Broadcaster, userId: string, message: Record<string, unknown>): Promise<void> {
  return b.broadcast(mcpUserStream(userId), { jsonrpc: '2.0', method: 'notification', params: { ...message, timestamp: isoNow() } });
}
