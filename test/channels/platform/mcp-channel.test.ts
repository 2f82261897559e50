// McpChannel: permission rule, streams (bare and Rails `mcp:` names), the JSON-RPC actions incl. the UI's
// json_rpc_request, tool calls and runs through the job outbox, and the notification publishers.

import {
  McpKindEventsStream, McpNotification, McpResourceEvent, McpResourceEventsStream, McpUserStream, ToolsListChanged, publishAgentStatusChanged,
  publishToolExecutionStatusChanged, publishWorkflowStatusChanged,
} from '../../../channels/platform/mcp-events';
import { broadcaster } from '../../../src/channel/index';
import { seedId } from '../../../src/db/seed';
import { replyTo } from '../../support/channel-suite';
import { acme, globex, grantPermissions, platformSuite } from './support';

const params = { channel: 'McpChannel' };
const workflowId = seedId('acme:workflow');
const agentId = seedId('acme:agent');

const env = platformSuite();
beforeAll(async () => {
  // The member calls tools: like McpToolsController#execute, that needs mcp.tools.execute.
  await grantPermissions(env.db, acme.member, ['mcp.tools.execute']);
});

const connected = (userId: string) => env.subscribedUser(userId, params);

async function rpc(userId: string, action: string, data: Record<string, unknown>) {
  const c = await connected(userId);
  await c.perform(params, action, data);
  return c.last(params);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('McpChannel', () => {
  describe('subscribe', () => {
    it('accepts a holder of an MCP permission and transmits initialized', async () => {
      const c = await connected(acme.member);
      expect(c.received(params)).toEqual([{
        jsonrpc: '2.0',
        method: 'initialized',
        params: {
          connection_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          server_capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: false }, logging: {}, experimental: { workflows: {}, agents: {} } },
          available_tools: 1,
          account_id: acme.account,
          user_permissions: ['ai.workflows.read', 'admin.access'],
        },
        timestamp: expect.any(String),
      }]);
    });

    it('streams the bare names and the names Rails producers publish to', async () => {
      const c = await connected(acme.member);
      expect(c.streams(params).sort()).toEqual([
        `mcp_account_${acme.account}`, `mcp:mcp_account_${acme.account}`, `mcp_user_${acme.member}`, `mcp:mcp_user_${acme.member}`,
        `mcp_tools_${acme.account}`, `mcp:mcp_tools_${acme.account}`, `mcp:account_${acme.account}`,
      ].sort());
    });

    it('rejects a user without any MCP permission and a worker', async () => {
      await env.refusesUser(acme.viewer, params);
      await env.refusesWorker(params);
    });

    it('starts no timers per subscription', async () => {
      const timers = () => process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;
      const before = timers();
      const c = await env.connectUser(acme.member);
      for (let i = 0; i < 5; i += 1) await c.subscribe({ channel: 'McpChannel', n: i });
      expect(timers()).toBe(before);
    });
  });

  describe('actions', () => {
    it('initialize_protocol negotiates the version', async () => {
      expect(await rpc(acme.member, 'initialize_protocol', { id: 1, params: { protocolVersion: '2024-11-05', clientInfo: { name: 't' } } })).toEqual({
        jsonrpc: '2.0', id: 1, result: { protocolVersion: '2024-11-05', capabilities: expect.any(Object), serverInfo: { name: 'Powernode MCP Server', version: '1.0.0' } }, timestamp: expect.any(String),
      });
    });

    it('list_tools and describe_tool read the account\'s tools', async () => {
      const tool = { name: 'search_docs', description: 'Search the knowledge base', inputSchema: { type: 'object', properties: { query: { type: 'string' } } }, id: seedId('acme:mcp-tool'), tool_type: 'platform' };
      expect(await rpc(acme.member, 'list_tools', { id: 'a', params: {} })).toMatchObject({ id: 'a', result: { tools: [tool] } });
      expect(await rpc(acme.member, 'list_tools', { id: 'b', params: { search: 'nothing-like-it' } })).toMatchObject({ result: { tools: [] } });
      expect(await rpc(acme.member, 'describe_tool', { id: 'c', params: { name: 'search_docs' } })).toMatchObject({ id: 'c', result: tool });
    });

    it('describe_tool and call_tool answer -32602 for missing or unknown tools', async () => {
      const err = (message: string) => ({ jsonrpc: '2.0', id: 9, error: { code: -32602, message, data: { type: 'McpChannel::ProtocolError', timestamp: expect.any(String) } }, timestamp: expect.any(String) });
      expect(await rpc(acme.member, 'describe_tool', { id: 9, params: {} })).toEqual(err('Missing tool name'));
      expect(await rpc(acme.member, 'call_tool', { id: 9, params: { name: 'nope' } })).toEqual(err('Tool not found: nope'));
      expect(await rpc(acme.member, 'call_tool', { id: 9, params: { name: 'search_docs', arguments: [1] } })).toEqual(err('Tool arguments must be an object'));
    });

    it('call_tool queues a job in the outbox', async () => {
      const reply = await rpc(acme.member, 'call_tool', { id: 2, params: { name: 'search_docs', arguments: { query: 'x' } } });
      const result = reply.result as Record<string, unknown>;
      expect(result).toMatchObject({ tool_name: 'search_docs', status: 'pending', isError: false });
      const job = await env.db.jobOutbox.findUniqueOrThrow({ where: { id: result.job_id as string } });
      expect(job).toMatchObject({ accountId: acme.account, jobClass: 'Mcp::ToolExecutionJob', queue: 'mcp', status: 'pending' });
      expect((job.args as Array<Record<string, unknown>>)[0]).toMatchObject({ execution_id: result.execution_id, arguments: { query: 'x' }, user_id: acme.member });
    });

    it('call_tool and tools/call need mcp.tools.execute: refused with -32600, nothing queued', async () => {
      const before = await env.db.jobOutbox.count();
      const denied = { code: -32600, message: 'Permission denied: mcp.tools.execute', data: { type: 'McpChannel::AuthorizationError', timestamp: expect.any(String) } };
      expect(await rpc(globex.member, 'call_tool', { id: 11, params: { name: 'search_docs', arguments: {} } })).toEqual({ jsonrpc: '2.0', id: 11, error: denied, timestamp: expect.any(String) });
      expect(await rpc(globex.member, 'json_rpc_request', { jsonrpc: '2.0', id: 'c', method: 'tools/call', params: { name: 'search_docs' } })).toMatchObject({ type: 'json_rpc_response', id: 'c', error: denied });
      expect(await env.db.jobOutbox.count()).toBe(before);
    });

    it('execute_workflow starts a run through the AI channels\' path (one run and job shape), within the account and with ai.workflows.execute', async () => {
      const ok = await rpc(acme.owner, 'execute_workflow', { id: 3, params: { workflow_id: workflowId, input_variables: { a: 1 } } });
      const result = ok.result as Record<string, string>;
      expect(result).toMatchObject({ workflow_id: workflowId, status: 'initializing', run_id: expect.stringMatching(UUID), started_at: expect.stringMatching(/Z$/) });
      const run = await env.db.aiWorkflowRun.findUniqueOrThrow({ where: { id: result.workflow_run_id } });
      expect(run).toMatchObject({ accountId: acme.account, runId: result.run_id, triggerType: 'manual', triggeredByUserId: acme.owner, inputVariables: { a: 1 }, totalNodes: 2 });
      const jobs = await env.db.jobOutbox.findMany({ where: { jobClass: 'AiWorkflowExecutionJob', accountId: acme.account } });
      expect(jobs.map((j) => [j.queue, j.args])).toEqual([['ai_workflows', [run.runId, { realtime: true, channel_id: `ai_workflow_execution_${run.runId}` }]]]);
      // The AI path's duplicate guard: a second request within 3 s returns the same run instead of queueing another.
      const again = await rpc(acme.owner, 'execute_workflow', { id: 9, params: { workflow_id: workflowId } });
      expect((again.result as Record<string, string>).workflow_run_id).toBe(run.id);
      expect(await env.db.jobOutbox.count({ where: { jobClass: 'AiWorkflowExecutionJob', accountId: acme.account } })).toBe(1);
      const draft = await env.db.aiWorkflow.create({ data: { accountId: acme.account, name: 'Empty', slug: 'empty-mcp', status: 'active' } });
      expect(await rpc(acme.owner, 'execute_workflow', { id: 10, params: { workflow_id: draft.id } })).toMatchObject({ error: { code: -32602, message: 'Workflow is not in a state that can be executed' } });
      expect(await rpc(acme.owner, 'execute_workflow', { id: 4, params: { workflow_id: seedId('globex:workflow') } })).toMatchObject({ id: 4, error: { code: -32602, message: 'Workflow not found' } });
      expect(await rpc(acme.member, 'execute_workflow', { id: 5, params: { workflow_id: workflowId } })).toMatchObject({ error: { code: -32600, data: { type: 'McpChannel::AuthorizationError' } } });
      expect(await rpc(acme.owner, 'execute_workflow', { id: 6, params: {} })).toMatchObject({ error: { code: -32602, message: 'Missing workflow_id' } });
    });

    it('execute_agent creates an execution and queues it, within the account', async () => {
      const ok = await rpc(acme.owner, 'execute_agent', { id: 7, params: { agent_id: agentId, input_parameters: { q: 'hi' } } });
      const result = ok.result as Record<string, string>;
      expect(result).toMatchObject({ agent_id: agentId, status: 'pending', execution_id: expect.stringMatching(/^exec_/) });
      expect(await env.db.aiAgentExecution.findUniqueOrThrow({ where: { executionId: result.execution_id } })).toMatchObject({ accountId: acme.account, userId: acme.owner });
      expect(await env.db.jobOutbox.count({ where: { jobClass: 'AiAgentExecutionJob', args: { equals: [result.id as string] } } })).toBe(1);
      expect(await rpc(acme.owner, 'execute_agent', { id: 8, params: { agent_id: seedId('globex:agent') } })).toMatchObject({ error: { code: -32602, message: 'Agent not found' } });
    });

    it('ping answers pong with server info', async () => {
      expect(await rpc(acme.member, 'ping', { id: 'p' })).toEqual({
        jsonrpc: '2.0', id: 'p', result: { pong: true, timestamp: expect.any(String), server_info: { name: 'Powernode MCP Server', version: '1.0.0' } }, timestamp: expect.any(String),
      });
    });

    it('subscribe_to_resource adds the event streams of own resources only', async () => {
      const c = await connected(acme.member);
      expect(await replyTo(c, params, 'subscribe_to_resource', { id: 1, params: { resource_type: 'tool_events', resource_id: 'all' } })).toMatchObject({ id: 1, result: { subscribed: true, resource_type: 'tool_events', resource_id: 'all' } });
      await c.perform(params, 'subscribe_to_resource', { id: 2, params: { resource_type: 'workflow_events', resource_id: workflowId } });
      expect(c.streams(params)).toEqual(expect.arrayContaining([`mcp_tool_events_${acme.account}`, `mcp_workflow_${workflowId}_events`, `mcp:mcp_workflow_${workflowId}_events`]));
      expect(await replyTo(c, params, 'subscribe_to_resource', { id: 3, params: { resource_type: 'agent_events', resource_id: seedId('globex:agent') } })).toMatchObject({ id: 3, error: { code: -32602, message: 'agent not found' } });
      expect(await replyTo(c, params, 'subscribe_to_resource', { id: 4, params: { resource_type: 'secrets', resource_id: 'all' } })).toMatchObject({ id: 4, error: { code: -32602, message: 'Unknown resource type: secrets' } });
      expect(c.streams(params).some((s) => s.includes(seedId('globex:agent')))).toBe(false);
      const event = { kind: 'workflow', id: workflowId, event_type: 'started', data: { run: 1 } } as const;
      await broadcaster(McpResourceEvent, McpKindEventsStream)(env.broadcaster, { kind: 'workflow', account_id: acme.account }, event);
      await broadcaster(McpResourceEvent, McpResourceEventsStream)(env.broadcaster, { kind: 'workflow', resource_id: workflowId }, event);
      await c.idle();
      expect(c.last(params)).toEqual({ jsonrpc: '2.0', method: 'notification', params: { type: 'workflow_event', event_type: 'started', workflow_id: workflowId, data: { run: 1 }, timestamp: expect.any(String) } });
    });
  });

  describe('#json_rpc_request', () => {
    const request = (method: string, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: `mcp_${method}`, method, ...extra });
    const response = (id: string, body: Record<string, unknown>) => ({ type: 'json_rpc_response', data: { jsonrpc: '2.0', id, ...body }, jsonrpc: '2.0', id, ...body, timestamp: expect.any(String) });

    it('answers initialize, tools/list, tools/call and ping in the envelope the UI reads', async () => {
      const c = await connected(acme.member);
      expect(await replyTo(c, params, 'json_rpc_request', request('initialize', { params: { protocolVersion: '2025-06-18' } }))).toEqual(response('mcp_initialize', { result: expect.objectContaining({ protocolVersion: '2025-06-18' }) }));
      expect(await replyTo(c, params, 'json_rpc_request', request('tools/list'))).toEqual(response('mcp_tools/list', { result: { tools: [expect.objectContaining({ name: 'search_docs' })] } }));
      expect(await replyTo(c, params, 'json_rpc_request', request('tools/call', { params: { name: 'search_docs', arguments: {} } }))).toEqual(response('mcp_tools/call', { result: expect.objectContaining({ status: 'pending' }) }));
      expect(await replyTo(c, params, 'json_rpc_request', request('ping'))).toEqual(response('mcp_ping', { result: expect.objectContaining({ pong: true }) }));
    });

    it('lists and reads the account\'s resources', async () => {
      const c = await connected(acme.member);
      await c.perform(params, 'json_rpc_request', request('resources/list'));
      const list = (c.last(params).result as { resources: Array<{ uri: string }> }).resources.map((r) => r.uri);
      expect(list).toEqual(expect.arrayContaining([`powernode://agents/${agentId}`, `powernode://workflows/${workflowId}`, `powernode://tools/${seedId('acme:mcp-tool')}`]));
      expect(list.some((u) => u.includes(seedId('globex:agent')))).toBe(false);
      await c.perform(params, 'json_rpc_request', request('resources/read', { params: { uri: `powernode://agents/${agentId}` } }));
      const content = (c.last(params).result as { contents: Array<{ text: string; mimeType: string }> }).contents[0];
      expect(JSON.parse(content?.text ?? '{}')).toMatchObject({ id: agentId, name: 'Acme Assistant' });
      expect(await replyTo(c, params, 'json_rpc_request', request('resources/read', { params: { uri: `powernode://agents/${seedId('globex:agent')}` } }))).toMatchObject({ type: 'json_rpc_response', error: { code: -32602, message: 'Resource not found' } });
      expect(await replyTo(c, params, 'json_rpc_request', request('resources/subscribe', { params: { uri: `powernode://workflows/${workflowId}` } }))).toMatchObject({ result: { subscribed: true, resource_type: 'workflow_events', resource_id: workflowId } });
    });

    it('answers unknown methods with -32601, malformed requests with -32600 and ignores notifications', async () => {
      const c = await connected(acme.member);
      expect(await replyTo(c, params, 'json_rpc_request', request('tools/teleport'))).toEqual(response('mcp_tools/teleport', { error: { code: -32601, message: 'Method not found: tools/teleport', data: { type: 'McpChannel::MethodNotFound', timestamp: expect.any(String) } } }));
      expect(await replyTo(c, params, 'json_rpc_request', { id: 5, method: 'ping' })).toMatchObject({ type: 'json_rpc_response', id: 5, error: { code: -32600, message: 'Invalid Request' } });
      const before = c.received(params).length;
      await c.perform(params, 'json_rpc_request', { jsonrpc: '2.0', method: 'notifications/initialized' });
      expect(c.received(params)).toHaveLength(before);
    });
  });

  describe('publishers', () => {
    it('deliver the UI\'s JSON-RPC notifications to the right subscribers', async () => {
      const member = await connected(acme.member);
      const owner = await connected(acme.owner);
      const other = await connected(globex.member);
      await broadcaster(ToolsListChanged)(env.broadcaster, { account_id: acme.account }, { tools: [{ name: 't' }] });
      await publishWorkflowStatusChanged(env.broadcaster, { account_id: acme.account }, { workflow_id: workflowId, run_id: 'r', status: 'running' });
      await publishAgentStatusChanged(env.broadcaster, { account_id: acme.account }, { agent_id: agentId, execution_id: 'e', status: 'completed' });
      await publishToolExecutionStatusChanged(env.broadcaster, { user_id: acme.member }, { execution_id: 'x', tool_id: 't', tool_name: 'search_docs', status: 'completed', result: 1 });
      await Promise.all([member.idle(), owner.idle(), other.idle()]);
      const methods = (c: typeof member) => c.received(params).slice(1).map((m) => (m as { data: { method: string } }).data.method);
      expect(methods(member)).toEqual(['tools/list_changed', 'workflow/status_changed', 'agent/status_changed', 'tool_execution/status_changed']);
      expect(methods(owner)).toEqual(['tools/list_changed', 'workflow/status_changed', 'agent/status_changed']);
      expect(other.received(params)).toHaveLength(1);
      expect(member.received(params)[1]).toEqual({
        type: 'json_rpc_notification',
        data: { jsonrpc: '2.0', method: 'tools/list_changed', params: { tools: [{ name: 't' }], timestamp: expect.any(String) } },
        jsonrpc: '2.0', method: 'tools/list_changed', params: { tools: [{ name: 't' }], timestamp: expect.any(String) },
      });
      expect('id' in ((member.received(params)[1] as { data: object }).data)).toBe(false);
    });

    it('deliver the original\'s generic notifications and what Rails producers publish to mcp:<name>', async () => {
      const c = await connected(acme.member);
      await broadcaster(McpNotification)(env.broadcaster, { account_id: acme.account }, { type: 'memory_pool_update' });
      await broadcaster(McpNotification, McpUserStream)(env.broadcaster, { user_id: acme.member }, { type: 'hello' });
      await env.server.broadcast(`mcp:mcp_account_${acme.account}`, { jsonrpc: '2.0', method: 'notification', params: { type: 'a2a' } });
      await env.server.broadcast(`mcp:account_${acme.account}`, { type: 'agent_card_created' });
      await c.idle();
      expect(c.received(params).slice(1)).toEqual([
        { jsonrpc: '2.0', method: 'notification', params: { type: 'memory_pool_update', timestamp: expect.any(String) } },
        { jsonrpc: '2.0', method: 'notification', params: { type: 'hello', timestamp: expect.any(String) } },
        { jsonrpc: '2.0', method: 'notification', params: { type: 'a2a' } },
        { type: 'agent_card_created' },
      ]);
    });
  });
});
