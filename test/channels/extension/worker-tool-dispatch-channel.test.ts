// WorkerToolDispatchChannel through the harness: worker-only subscribe, the RPC envelope (including unknown and
// invalid requests), tool definitions from McpTool rows, tool calls through the job outbox (a tool executor
// registered, no RAILS_API_URL) answered with their results. The Rails forward and the no-executor answer are in
// worker-tool-dispatch-forward.test.ts.

import { randomUUID } from 'node:crypto';
import { WorkerToolDispatchChannel } from '../../../channels/extension/worker-tool-dispatch-channel';
import type { HarnessClient } from '../../../src/testing/index';
import { channelSuite, expectSubscribed } from '../../support/channel-suite';
import { waitFor } from '../../support/wait';
import { extensionChannels } from '../../../channels/extension/index';
import { openExtensionDb, rpc, systemIdentity, userIdentity, workerIdentity, type RpcReply } from './fixtures';

const world = channelSuite(openExtensionDb, extensionChannels, { manualTime: true });

const P = { channel: 'WorkerToolDispatchChannel' };
/** A worker that executes tool-call jobs registers as such (without one, dispatch_tool is refused at once). */
const DATA = { channel: 'WorkerDataChannel', tool_executor: true };

describe('WorkerToolDispatchChannel', () => {
  describe('subscribe', () => {
    it('accepts a worker, streams worker_tool_dispatch:<worker> and transmits nothing', async () => {
      await expectSubscribed(await world.connect(workerIdentity(world.own)), P, [`worker_tool_dispatch:${world.own.workerId}`], []);
    });

    it('rejects a user identity, even one with system.admin', async () => {
      await world.refuses(userIdentity(world.own, ['system.admin']), P);
    });
  });

  describe('envelope', () => {
    it('answers ping with {pong:true} and the request_id', async () => {
      const c = await world.subscribed(workerIdentity(world.own), P);
      const reply = await rpc(c, P, 'ping');
      expect(reply).toEqual({ request_id: expect.any(String), success: true, data: { pong: true } });
    });

    it('answers an unknown action with an error carrying the request_id', async () => {
      const c = await world.subscribed(workerIdentity(world.own), P);
      expect(await rpc(c, P, 'batch_strategy_contexts', { strategy_ids: [] })).toMatchObject({ success: false, error: 'Unknown action: batch_strategy_contexts' });
      expect(await rpc(c, P, 'unsubscribed')).toMatchObject({ success: false, error: 'Unknown action: unsubscribed' });
    });

    it('answers a request without request_id with request_id null', async () => {
      const c = await world.subscribed(workerIdentity(world.own), P);
      await c.perform(P, 'ping', {});
      expect(c.received(P)).toEqual([{ request_id: null, success: false, error: 'request_id required' }]);
    });

    it('answers invalid data with the validation message', async () => {
      const c = await world.subscribed(workerIdentity(world.own), P);
      expect(await rpc(c, P, 'tool_definitions', {})).toMatchObject({ success: false, error: 'agent_id required' });
      expect(await rpc(c, P, 'dispatch_tool', { agent_id: world.own.agentId })).toMatchObject({ success: false, error: 'tool_call required' });
    });
  });

  describe('#tool_definitions', () => {
    it('lists the whitelisted, enabled McpTools of the agent account as LLM tools', async () => {
      const c = await world.subscribed(workerIdentity(world.own), P);
      const reply = await rpc(c, P, 'tool_definitions', { agent_id: world.own.agentId });
      expect(reply.success).toBe(true);
      expect(reply.data).toEqual({
        tools_enabled: true,
        tools: [
          { name: 'get_weather', description: '', parameters: { type: 'object', properties: {} } },
          { name: 'search_knowledge', description: 'Search the knowledge base', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } },
        ],
      });
    });

    it.each([
      ['a foreign agent', () => world.foreign.agentId],
      ['an unknown agent', () => '00000000-0000-4000-8000-000000000000'],
      ['a malformed id', () => 'agent-1'],
    ])('refuses %s with "Agent not found"', async (_label, id) => {
      const c = await world.subscribed(workerIdentity(world.own), P);
      expect(await rpc(c, P, 'tool_definitions', { agent_id: id() })).toMatchObject({ success: false, error: 'Agent not found' });
    });

    it('lets a system worker read an agent of any account', async () => {
      const c = await world.subscribed(systemIdentity(world), P);
      expect(await rpc(c, P, 'tool_definitions', { agent_id: world.foreign.agentId })).toMatchObject({ success: true, data: { tools_enabled: true } });
    });

    it('reports tools_enabled false for an mcp_client agent', async () => {
      const agent = await world.db.aiAgent.create({ data: { accountId: world.own.accountId, name: 'client', agentType: 'mcp_client' } });
      const c = await world.subscribed(workerIdentity(world.own), P);
      const reply = await rpc(c, P, 'tool_definitions', { agent_id: agent.id });
      expect(reply.data.tools_enabled).toBe(false);
      expect(reply.data.tools.map((t: { name: string }) => t.name)).toEqual(['delete_everything', 'get_weather', 'search_knowledge']);
    });
  });

  describe('#dispatch_tool and #tool_result', () => {
    /** Send dispatch_tool and return its request_id (the reply comes when the tool finishes). */
    async function dispatch(c: HarnessClient, call: Record<string, unknown>, agentId = world.own.agentId): Promise<string> {
      const requestId = randomUUID();
      await c.perform(P, 'dispatch_tool', { request_id: requestId, agent_id: agentId, tool_call: call });
      return requestId;
    }
    const repliesTo = (c: HarnessClient, requestId: string) => (c.received(P) as RpcReply[]).filter((m) => m.request_id === requestId);
    const lastJob = () => world.db.jobOutbox.findFirstOrThrow({ where: { jobClass: 'Ai::AgentToolDispatchJob' }, orderBy: { createdAt: 'desc' } });

    it('queues the call in the job outbox and answers the request with the tool output once a worker completes it', async () => {
      const c = await world.subscribed(workerIdentity(world.own), P);
      await c.subscribe(DATA);
      const requestId = await dispatch(c, { name: 'search_knowledge', id: 'call_1', arguments: '{"query":"pricing"}' });
      expect(repliesTo(c, requestId)).toEqual([]);
      const row = await lastJob();
      const jobId = row.id;
      expect(row).toMatchObject({ accountId: world.own.accountId, jobClass: 'Ai::AgentToolDispatchJob', queue: 'ai_tools', status: 'pending' });
      expect(row.args).toEqual([{ agent_id: world.own.agentId, account_id: world.own.accountId, tool_call: { name: 'search_knowledge', id: 'call_1', arguments: { query: 'pricing' } }, requested_by_worker_id: world.own.workerId }]);
      expect(c.received(DATA)).toContainEqual({ type: 'job', job: expect.objectContaining({ id: jobId, job_class: 'Ai::AgentToolDispatchJob', account_id: world.own.accountId }) });

      expect(await rpc(c, P, 'tool_result', { job_id: jobId })).toMatchObject({ success: true, data: { result: null, job: { status: 'pending' } } });
      expect(await rpc(c, DATA, 'claim_job', { job_id: jobId })).toMatchObject({ success: true, data: { job: { status: 'dispatched', worker_id: world.own.workerId } } });
      expect(repliesTo(c, requestId)).toEqual([]);
      expect(await rpc(c, DATA, 'complete_job', { job_id: jobId, result: { hits: 3 } })).toMatchObject({ success: true, data: { job: { status: 'done' } } });
      await waitFor(() => repliesTo(c, requestId).length > 0, 2000, 'the dispatch_tool reply');
      expect(repliesTo(c, requestId)).toEqual([{ request_id: requestId, success: true, data: { result: { hits: 3 } } }]);
      expect(await rpc(c, P, 'tool_result', { job_id: jobId })).toMatchObject({ success: true, data: { result: { hits: 3 }, error: null, job: { status: 'done' } } });
      expect(c.received(P)).toContainEqual({ type: 'tool_result', job_id: jobId, agent_id: world.own.agentId, tool_call_id: 'call_1', tool: 'search_knowledge', success: true, result: { hits: 3 }, error: null });
    });

    it('answers a failed tool job with the original failure-as-result and text output raw or parsed', async () => {
      const c = await world.subscribed(workerIdentity(world.own), P);
      await c.subscribe(DATA);
      const failed = await dispatch(c, { name: 'get_weather', id: 'call_2' });
      const failedJob = (await lastJob()).id;
      await rpc(c, DATA, 'claim_job', { job_id: failedJob });
      await rpc(c, DATA, 'complete_job', { job_id: failedJob, success: false, error: 'weather API down' });
      await waitFor(() => repliesTo(c, failed).length > 0, 2000, 'the failure reply');
      expect(repliesTo(c, failed)).toEqual([{ request_id: failed, success: true, data: { result: { error: 'Tool execution failed', tool: 'get_weather', message: 'weather API down' } } }]);
      for (const [recorded, output] of [['{"temp":21}', { temp: 21 }], ['sunny', 'sunny']] as const) {
        const requestId = await dispatch(c, { name: 'get_weather' });
        const jobId = (await lastJob()).id;
        await rpc(c, DATA, 'claim_job', { job_id: jobId });
        await rpc(c, DATA, 'complete_job', { job_id: jobId, result: recorded });
        await waitFor(() => repliesTo(c, requestId).length > 0, 2000, 'the text reply');
        expect(repliesTo(c, requestId)).toEqual([{ request_id: requestId, success: true, data: { result: output } }]);
      }
    });

    it('answers with a timeout error when no worker completes the tool in time, and only once', async () => {
      const c = await world.subscribed(workerIdentity(world.own), P);
      await c.subscribe(DATA);
      const requestId = await dispatch(c, { name: 'get_weather' });
      const jobId = (await lastJob()).id;
      await c.advanceTime(WorkerToolDispatchChannel.toolResultTimeoutMs - 1);
      expect(repliesTo(c, requestId)).toEqual([]);
      await c.advanceTime(1);
      expect(repliesTo(c, requestId)).toEqual([{ request_id: requestId, success: false, error: 'Tool execution timed out' }]);
      await rpc(c, DATA, 'claim_job', { job_id: jobId });
      await rpc(c, DATA, 'complete_job', { job_id: jobId, result: 'late' });
      await c.idle();
      expect(repliesTo(c, requestId)).toHaveLength(1);
    });

    it('returns the original error-as-result shapes for unknown tools, disabled tools and bad arguments', async () => {
      const off = await world.db.aiAgent.create({ data: { accountId: world.own.accountId, name: 'off', configuration: { tool_access: { enabled: false } } } });
      const c = await world.subscribed(workerIdentity(world.own), P);
      const dispatch = (agentId: string, call: Record<string, unknown>) => rpc(c, P, 'dispatch_tool', { agent_id: agentId, tool_call: call });
      expect((await dispatch(world.own.agentId, { name: 'delete_everything' })).data.result).toEqual({ error: 'Unknown tool: delete_everything', tool: 'delete_everything', message: 'Tool delete_everything is not available to this agent' });
      expect((await dispatch(off.id, { name: 'get_weather' })).data.result).toMatchObject({ error: 'Permission denied', tool: 'get_weather' });
      expect((await dispatch(world.own.agentId, { name: 'get_weather', arguments: '{oops' })).data.result).toMatchObject({ error: 'Tool execution failed' });
      expect(await world.db.jobOutbox.count({ where: { jobClass: 'Ai::AgentToolDispatchJob', accountId: world.own.accountId, status: 'pending' } })).toBe(0);
    });

    it('refuses a foreign agent and a foreign job', async () => {
      const foreignJob = await world.services.jobs.enqueue({ accountId: world.foreign.accountId, jobClass: 'Ai::AgentToolDispatchJob', args: [{}], queue: 'ai_tools' });
      const c = await world.subscribed(workerIdentity(world.own), P);
      expect(await rpc(c, P, 'dispatch_tool', { agent_id: world.foreign.agentId, tool_call: { name: 'get_weather' } })).toMatchObject({ success: false, error: 'Agent not found' });
      expect(await rpc(c, P, 'tool_result', { job_id: foreignJob.id })).toMatchObject({ success: false, error: 'Job not found' });
      expect(await rpc(c, P, 'tool_result', { job_id: 'nope' })).toMatchObject({ success: false, error: 'Job not found' });
    });
  });
});
