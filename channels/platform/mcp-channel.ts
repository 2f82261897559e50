// McpChannel: MCP over Action Cable. JSON-RPC-shaped actions (the original's) plus `json_rpc_request`, which
// the UI sends; replies `{jsonrpc:"2.0", id, result|error, timestamp}`. Tool calls and runs need the permission of
// the REST endpoint that does the same; params are bounded JSON. No threads, no timers per subscription.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventMessage, logFailure } from '../../src/channel/index';
import { ApplicationChannel, permissionDenied } from '../application-channel';
import { jsonFault, type JsonLimits } from '../support/bounded-json';
import {
  MCP_EVENTS, McpAccountStream, McpInitialized, McpJsonRpcResponse, McpResponse, McpToolsStream, McpUserStream, RailsMcpStreams, mcpAccountStream,
  mcpToolsStream, mcpUserStream, railsMcpStream, type RpcBody,
} from './mcp-events';
import {
  authorizationError, callTool, describeTool, executeAgent, executeWorkflow, initialize, listTools, McpError, ping, protocolError,
  rpcError, serverCapabilities, subscribeToResource, type McpContext,
} from './mcp-methods';
import { listResources, readResource, subscribeResource } from './mcp-resources';

/** Any of these lets a user subscribe (McpChannel#has_mcp_permissions?). */
export const MCP_PERMISSIONS: readonly string[] = ['ai.agents.read', 'ai.workflows.read', 'ai.providers.read', 'admin.access'];

/** The permission names reported in `initialized.user_permissions` (the user's ∩ this list). */
export const MCP_RELATED_PERMISSIONS: readonly string[] = [
  'ai.agents.read', 'ai.agents.create', 'ai.agents.update', 'ai.agents.delete',
  'ai.workflows.read', 'ai.workflows.create', 'ai.workflows.update', 'ai.workflows.delete',
  'ai.providers.read', 'ai.providers.update', 'admin.access',
];

type Json = Record<string, unknown>;
type Handler = (ctx: McpContext, params: Json, timestamp: string) => Json | Promise<Json>;

/** The JSON-RPC methods of `json_rpc_request` (the UI's names, with plural aliases). */
export const MCP_METHODS: Readonly<Record<string, Handler>> = {
  initialize: (_c, p) => initialize(p),
  ping: (_c, _p, ts) => ping(ts),
  'tools/list': listTools,
  'tools/describe': describeTool,
  'tools/call': callTool,
  'workflow/execute': executeWorkflow,
  'workflows/execute': executeWorkflow,
  'agent/execute': executeAgent,
  'agents/execute': executeAgent,
  'resources/list': (c) => listResources(c),
  'resources/read': readResource,
  'resources/subscribe': subscribeResource,
};

/**
 * The permission each JSON-RPC method that starts work needs: `mcp.tools.execute` (McpToolsController#execute),
 * `ai.workflows.execute` (WorkflowsController#execute), `ai.agents.execute` (AgentsController#execute).
 */
export const MCP_METHOD_PERMISSIONS: Readonly<Record<string, string>> = {
  'tools/call': 'mcp.tools.execute',
  'workflow/execute': 'ai.workflows.execute',
  'workflows/execute': 'ai.workflows.execute',
  'agent/execute': 'ai.agents.execute',
  'agents/execute': 'ai.agents.execute',
};

/** How deep and large a request's `params` may be (they reach Prisma as tool arguments, variables, parameters). */
export const MCP_PARAMS_LIMITS: JsonLimits = Object.freeze({ maxDepth: 32, maxBytes: 256 * 1024 });

/** The original's JSON-RPC-shaped actions: each answers `{id, result|error}` with the method of the same meaning. */
const MCP_ACTIONS: Readonly<Record<string, Handler>> = {
  initialize_protocol: (_c, p) => initialize(p),
  list_tools: listTools,
  describe_tool: describeTool,
  call_tool: callTool,
  execute_workflow: executeWorkflow,
  execute_agent: executeAgent,
  ping: (_c, _p, ts) => ping(ts),
  subscribe_to_resource: subscribeToResource,
};

const Request = z.looseObject({});
/** Every MCP_ACTIONS entry is served by `McpChannel#answerAction`. */
const answered = Object.fromEntries(Object.keys(MCP_ACTIONS).map((action) => [action, { schema: Request, handler: 'answerAction' }]));
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const rpcId = (v: unknown): string | number | null => (typeof v === 'number' || (typeof v === 'string' && v.length <= 200) ? v : null);
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined);

/** The MCP protocol channel. */
export class McpChannel extends ApplicationChannel {
  static override channel = 'McpChannel';
  static override actions = { ...answered, json_rpc_request: Request };
  static override writePermissions = { call_tool: 'mcp.tools.execute', execute_workflow: 'ai.workflows.execute', execute_agent: 'ai.agents.execute' };
  static override commandPermissions = { json_rpc_request: MCP_METHOD_PERMISSIONS };
  static events = MCP_EVENTS;
  static streams = [McpAccountStream, McpUserStream, McpToolsStream, ...RailsMcpStreams];
  private readonly connectionId = randomUUID();

  override async subscribed(): Promise<void> {
    if (!this.canAny(MCP_PERMISSIONS)) return this.reject();
    const { accountId } = this;
    const userId = this.user.userId;
    for (const name of [mcpAccountStream(accountId), mcpUserStream(userId), mcpToolsStream(accountId)]) {
      this.streamFrom(name);
      this.streamFrom(railsMcpStream(name));
    }
    this.streamFrom(railsMcpStream(`account_${accountId}`));
    const tools = await this.db.mcpTool.count({ where: { accountId, enabled: true } });
    const permissions = MCP_RELATED_PERMISSIONS.filter((p) => this.identity.permissions.has(p));
    this.transmit(eventMessage(McpInitialized, {
      params: { connection_id: this.connectionId, server_capabilities: serverCapabilities(), available_tools: tools, account_id: accountId, user_permissions: permissions },
      timestamp: this.now(),
    }));
  }

  override rescue(error: unknown, action: string): void {
    logFailure(this.logger, 'McpChannel action failed', error, { channel: 'McpChannel', action });
    this.send({ id: null, error: rpcError(error, this.now()) });
  }

  /** −32600 `Permission denied: <permission>` (McpChannel::AuthorizationError) with the request's id. */
  protected override refuse(_action: string, permissions: readonly string[], data: Json): void {
    this.send({ id: rpcId(data.id), error: rpcError(authorizationError(permissionDenied(permissions)), this.now()) });
  }

  /**
   * The original's actions (`initialize_protocol`, `list_tools`, `describe_tool`, `call_tool`, `execute_workflow`,
   * `execute_agent`, `ping`, `subscribe_to_resource`): `{id, params}` answered by the MCP_ACTIONS entry of `action`.
   */
  answerAction(data: Json, action: string): Promise<void> {
    return this.answer(data, MCP_ACTIONS[action] as Handler);
  }

  /** The UI's `json_rpc_request {jsonrpc:"2.0", id, method, params}`, answered as `json_rpc_response`. */
  async json_rpc_request(data: Json): Promise<void> {
    const id = rpcId(data.id);
    if (data.jsonrpc !== '2.0' || typeof data.method !== 'string') {
      return this.send({ id, error: rpcError(new McpError(-32600, 'Invalid Request', 'McpChannel::InvalidRequest'), this.now()) }, true);
    }
    // A JSON-RPC notification (no id) such as notifications/initialized needs no answer.
    if (data.id === undefined && data.method.startsWith('notifications/')) return;
    const handler = own(MCP_METHODS, data.method);
    if (!handler) {
      const error = new McpError(-32601, `Method not found: ${data.method.slice(0, 100)}`, 'McpChannel::MethodNotFound');
      return this.send({ id, error: rpcError(error, this.now()) }, true);
    }
    const missing = this.lacking(data.method.slice(0, 100), own(MCP_METHOD_PERMISSIONS, data.method));
    if (missing.length > 0) return this.send({ id, error: rpcError(authorizationError(permissionDenied(missing)), this.now()) }, true);
    return this.answer(data, handler, true);
  }

  private async answer(data: Json, handler: Handler, envelope = false): Promise<void> {
    const id = rpcId(data.id);
    try {
      this.send({ id, result: await handler(this.context(), boundedParams(data.params), this.now()) }, envelope);
    } catch (err) {
      if (!(err instanceof McpError)) logFailure(this.logger, 'McpChannel request failed', err, { channel: 'McpChannel', action: 'json_rpc_request' });
      this.send({ id, error: rpcError(err, this.now()) }, envelope);
    }
  }

  /** `{jsonrpc:"2.0", id, result|error, timestamp}`; for json_rpc_request also `type:"json_rpc_response"` + the body in `data`. */
  private send(body: RpcBody, envelope = false): void {
    const timestamp = this.now();
    this.transmit(envelope ? eventMessage(McpJsonRpcResponse, { ...body, timestamp }) : eventMessage(McpResponse, { ...body, timestamp }));
  }

  private context(): McpContext {
    return {
      db: this.db, jobs: this.services.jobs, accountId: this.accountId, userId: this.user.userId, connectionId: this.connectionId,
      follow: (s) => this.streamFrom(s), warn: (message, err) => this.logger.warn(message, { code: 'CABLE_CHANNEL_ERROR', err }),
    };
  }
}

/** A request's `params` as an object, or −32602 when they are nested too deeply or too large to reach a query. */
function boundedParams(params: unknown): Json {
  const fault = jsonFault(params ?? null, MCP_PARAMS_LIMITS);
  if (fault) throw protocolError(`Invalid params: params ${fault}`);
  return obj(params);
}
