// Nothing user-supplied reaches a query unbounded: `jsonFault` / `boundedJson` (channels/support/bounded-json.ts), and
// every channel that takes free-form JSON — McpChannel, AiWorkflowOrchestrationChannel, TeamExecutionChannel and the
// worker channels — refusing data nested 40, 70 and 1000 levels deep with its own error frame, writing nothing and
// staying usable. Depths 70 and 1000 are handed to the channel directly (the transport may drop such frames first).

import { z } from 'zod';
import { channels } from '../../channels';
import { testUser, testWorker } from '../../src/testing/index';
import { boundedJson, boundedJsonObject, JSON_LIMITS, jsonFault } from '../../channels/support/bounded-json';
import type { Identity } from '../../src/auth/identity';
import type { Channel } from '../../src/channel/index';
import { seedId } from '../../src/db/seed';
import { channelSuite, openSeededDb, seededIds } from '../support/channel-suite';

/** `{a:{a:…{}}}` with `depth` levels, built without recursion. */
function nest(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i += 1) value = { a: value };
  return value;
}

describe('jsonFault', () => {
  it('accepts JSON within the limits, scalars and null', () => {
    for (const v of [null, 0, -1.5, 'text', true, [], {}, { a: [1, 'b', { c: null }] }, nest(JSON_LIMITS.maxDepth)]) expect(jsonFault(v)).toBeNull();
  });

  it('refuses one level too deep, and 100 000 levels without recursing', () => {
    expect(jsonFault(nest(JSON_LIMITS.maxDepth + 1))).toBe('is nested deeper than 32 levels');
    let deep: unknown[] = [];
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(jsonFault(deep)).toBe('is nested deeper than 32 levels');
  });

  it('counts encoded bytes: refuses a value one byte larger than the limit and never undercounts', () => {
    const value = { name: 'Zoë', tags: ['a', 'b'], n: 12.5, ok: false, none: null, nested: { list: [1, 2, 3] } };
    const size = Buffer.byteLength(JSON.stringify(value));
    expect(jsonFault(value, { maxDepth: 32, maxBytes: size - 1 })).toBe(`is larger than ${size - 1} bytes`);
    expect(jsonFault(value, { maxDepth: 32, maxBytes: size * 2 })).toBeNull();
    expect(jsonFault('x'.repeat(70_000))).toBe('is larger than 65536 bytes');
  });

  it('refuses a huge array from its length, before walking it', () => {
    const huge = new Array(5_000_000).fill(0);
    const started = Date.now();
    expect(jsonFault(huge)).toBe('is larger than 65536 bytes');
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('refuses values that are not JSON', () => {
    for (const v of [undefined, () => 1, new Date(), Number.NaN, Infinity, [undefined], { a: new Map() }]) expect(jsonFault(v)).toBe('is not JSON');
  });

  it('boundedJson and boundedJsonObject report the fault as a zod issue', () => {
    const schema = z.object({ config: boundedJsonObject() });
    expect(schema.safeParse({ config: { a: 1 } }).success).toBe(true);
    expect(schema.safeParse({ config: [1] }).success).toBe(false);
    const issue = schema.safeParse({ config: nest(40) }).error?.issues[0];
    expect(issue).toMatchObject({ code: 'custom', path: ['config'], message: 'is nested deeper than 32 levels' });
    expect(boundedJson({ maxDepth: 2, maxBytes: 100 }).safeParse([[1]]).success).toBe(true);
    expect(boundedJson({ maxDepth: 2, maxBytes: 100 }).safeParse([[[1]]]).success).toBe(false);
  });
});

const ids = (k: string) => seedId(`acme:${k}`);
const { account: ACCOUNT, workflow: WORKFLOW, agent: AGENT, teamExecution: EXECUTION, worker: WORKER } = seededIds('acme');

const t = channelSuite(openSeededDb, channels);

const admin = testUser(ACCOUNT, { userId: ids('user:owner'), email: 'owner@acme.example', name: 'Owner', roles: ['owner'], permissions: ['system.admin'] });
const worker = testWorker(ACCOUNT, { workerId: WORKER, name: 'Worker' });

/** A subscribed client and a way to hand action data to the channel instance directly (bypassing the transport). */
async function subscribe(identity: Identity, params: Record<string, unknown>) {
  const client = await t.subscribed(identity, params);
  const channel = client.connection.subscriptions.get(JSON.stringify(params)) as Channel;
  /** Run `action` with `data` on the channel and return what it transmitted. */
  const direct = async (action: string, data: Record<string, unknown>) => {
    const before = client.received(params).length;
    await channel.performAction({ ...data, action });
    await client.idle();
    return client.received(params).slice(before);
  };
  return { client, direct };
}

/** Everything a refused action could have written. */
const written = async () => [
  await t.db.jobOutbox.count(), await t.db.aiWorkflow.count(), await t.db.aiWorkflowNode.count(), await t.db.aiWorkflowRun.count(),
  await t.db.aiAgentExecution.count(), await t.db.aiTeamExecution.findUniqueOrThrow({ where: { id: EXECUTION } }),
];

const DEPTHS = [70, 1000];
const TS = expect.any(String);

describe('channels refuse deeply nested data with their error frame', () => {
  describe('McpChannel', () => {
    const params = { channel: 'McpChannel' };
    const invalid = (id: unknown) => ({ jsonrpc: '2.0', id, error: { code: -32602, message: 'Invalid params: params is nested deeper than 32 levels', data: { type: 'McpChannel::ProtocolError', timestamp: TS } }, timestamp: TS });

    it.each(DEPTHS)('call_tool, execute_agent and execute_workflow at depth %i', async (depth) => {
      const { direct } = await subscribe(admin, params);
      const before = await written();
      expect(await direct('call_tool', { id: 1, params: { name: 'search_docs', arguments: nest(depth) } })).toEqual([invalid(1)]);
      expect(await direct('execute_agent', { id: 2, params: { agent_id: AGENT, input_parameters: nest(depth) } })).toEqual([invalid(2)]);
      expect(await direct('execute_workflow', { id: 3, params: { workflow_id: WORKFLOW, input_variables: nest(depth) } })).toEqual([invalid(3)]);
      expect(await written()).toEqual(before);
      expect(await direct('ping', { id: 4 })).toEqual([expect.objectContaining({ id: 4, result: expect.objectContaining({ pong: true }) })]);
    });

    it.each(DEPTHS)('json_rpc_request at depth %i answers json_rpc_response -32602', async (depth) => {
      const { direct } = await subscribe(admin, params);
      const before = await written();
      const [reply] = await direct('json_rpc_request', { jsonrpc: '2.0', id: 'x', method: 'tools/call', params: { name: 'search_docs', arguments: nest(depth) } });
      expect(reply).toMatchObject({ type: 'json_rpc_response', id: 'x', error: { code: -32602, message: 'Invalid params: params is nested deeper than 32 levels' } });
      expect(await written()).toEqual(before);
    });

    it('a frame nested 40 levels deep (under any transport limit) reaches the channel and is refused', async () => {
      const { client } = await subscribe(admin, params);
      const before = await written();
      await client.perform(params, 'call_tool', { id: 5, params: { name: 'search_docs', arguments: nest(40) } });
      expect(client.received(params).at(-1)).toEqual(invalid(5));
      expect(await written()).toEqual(before);
    });

    it('refuses params larger than 256 KiB and names longer than 255 characters', async () => {
      const { direct } = await subscribe(admin, params);
      const big = await direct('call_tool', { id: 6, params: { name: 'search_docs', arguments: { blob: 'x'.repeat(300_000) } } });
      expect(big).toEqual([expect.objectContaining({ id: 6, error: expect.objectContaining({ code: -32602, message: 'Invalid params: params is larger than 262144 bytes' }) })]);
      const long = await direct('describe_tool', { id: 7, params: { name: 'x'.repeat(256) } });
      expect(long).toEqual([expect.objectContaining({ id: 7, error: expect.objectContaining({ code: -32602, message: 'Invalid params: a value is longer than 255 characters' }) })]);
    });
  });

  describe('AiWorkflowOrchestrationChannel', () => {
    const params = { channel: 'AiWorkflowOrchestrationChannel' };
    const error = (message: string) => [{ type: 'error', error: message, timestamp: TS }];

    it.each(DEPTHS)('create_workflow, update_workflow and execute_workflow at depth %i', async (depth) => {
      const { direct } = await subscribe(admin, params);
      const before = await written();
      expect(await direct('create_workflow', { workflow: { name: 'Deep', configuration: nest(depth) } })).toEqual(error('Validation failed: Configuration is nested deeper than 32 levels'));
      const node = { node_id: 'n', node_type: 'start', name: 'N', configuration: nest(depth) };
      expect(await direct('create_workflow', { workflow: { name: 'Deep nodes' }, nodes: [node] })).toEqual(error('Validation failed: 0 configuration is nested deeper than 32 levels'));
      expect(await direct('update_workflow', { workflow_id: WORKFLOW, updates: { configuration: nest(depth) } })).toEqual(error('Validation failed: Configuration is nested deeper than 32 levels'));
      expect(await direct('execute_workflow', { workflow_id: WORKFLOW, input_variables: nest(depth) })).toEqual(error('Validation failed: Value is nested deeper than 32 levels'));
      expect(await written()).toEqual(before);
    });
  });

  describe('TeamExecutionChannel', () => {
    const params = { channel: 'TeamExecutionChannel', team_id: ids('team') };

    it.each(DEPTHS)('redirect instructions at depth %i', async (depth) => {
      const { direct } = await subscribe(admin, params);
      const before = await written();
      expect(await direct('redirect', { execution_id: EXECUTION, instructions: nest(depth) })).toEqual([{ type: 'command_error', error: 'Invalid parameters: instructions', timestamp: TS }]);
      expect(await written()).toEqual(before);
    });
  });

  describe('worker channels', () => {
    const data = { channel: 'WorkerDataChannel' };
    const tools = { channel: 'WorkerToolDispatchChannel' };

    it.each(DEPTHS)('WorkerDataChannel complete_job, batch_record_results and training_tick_complete at depth %i', async (depth) => {
      const { direct } = await subscribe(worker, data);
      const before = await written();
      const job = seedId('acme:job');
      expect(await direct('complete_job', { request_id: 'a', job_id: job, result: nest(depth) })).toEqual([{ request_id: 'a', success: false, error: 'result: is nested deeper than 32 levels' }]);
      const signal = { strategy_id: ids('strategy'), signals: [nest(depth)] };
      expect(await direct('batch_record_results', { request_id: 'b', results: [signal] })).toEqual([{ request_id: 'b', success: false, error: 'results.0.signals.0: is nested deeper than 16 levels' }]);
      const tick = { request_id: 'c', session_id: ids('training-session'), tick_num: 1, tick_results: [nest(depth)] };
      expect(await direct('training_tick_complete', tick)).toEqual([{ request_id: 'c', success: false, error: 'tick_results.0: is nested deeper than 32 levels' }]);
      expect(await written()).toEqual(before);
      expect(await direct('ping', { request_id: 'd' })).toEqual([{ request_id: 'd', success: true, data: { pong: true } }]);
    });

    it.each(DEPTHS)('WorkerToolDispatchChannel dispatch_tool arguments at depth %i, as an object or as JSON text', async (depth) => {
      const { direct } = await subscribe(worker, tools);
      const before = await written();
      const call = (args: unknown) => ({ request_id: 'e', agent_id: AGENT, tool_call: { name: 'search_docs', arguments: args } });
      expect(await direct('dispatch_tool', call(nest(depth)))).toEqual([{ request_id: 'e', success: false, error: 'tool_call.arguments: is nested deeper than 32 levels' }]);
      const asText = await direct('dispatch_tool', call(JSON.stringify(nest(depth))));
      expect(asText).toEqual([{ request_id: 'e', success: true, data: { result: { error: 'Tool execution failed', tool: 'search_docs', message: 'arguments must be a JSON object' } } }]);
      expect(await written()).toEqual(before);
    });
  });
});
