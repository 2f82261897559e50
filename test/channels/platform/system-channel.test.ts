// SystemChannel (newer fork): operations and stats from SystemOperation rows, and its publishers.

import { broadcaster } from '../../../src/channel/index';
import {
  InstanceUpdated, NodeUpdated, OperationProgress, OperationUpdated, StatsUpdated, operationJson,
} from '../../../channels/platform/system-events';
import { expectSubscribed, replyTo } from '../../support/channel-suite';
import { acme, globex, platformSuite } from './support';

const params = { channel: 'SystemChannel', account_id: acme.account };

const env = platformSuite();

describe('SystemChannel', () => {
  it('accepts the own account with system_channel_<id> and account_<id>', async () => {
    await expectSubscribed(await env.connectUser(acme.viewer), params, [`system_channel_${acme.account}`, `account_${acme.account}`], [{ type: 'connection_established', account_id: acme.account, timestamp: expect.any(String) }]);
  });

  it('rejects a foreign account, a malformed id, missing params and a worker', async () => {
    await env.refusesUser(acme.owner, { ...params, account_id: globex.account }, { ...params, account_id: 'zz' }, { channel: 'SystemChannel' });
    await env.refusesWorker(params);
  });

  it('lists the account\'s operations only', async () => {
    const c = await env.subscribedUser(acme.viewer, params);
    await c.perform(params, 'refresh_operations');
    const ops = await env.db.systemOperation.findMany({ where: { accountId: acme.account }, orderBy: { createdAt: 'desc' } });
    expect(c.last(params)).toEqual({ type: 'operations_list', operations: ops.map(operationJson), timestamp: expect.any(String) });
    expect(ops.length).toBeGreaterThan(0);
    expect((c.last(params).operations as Array<{ command: string }>)[0]).toMatchObject({ command: 'cache_clear', status: 'completed', progress: 100, description: 'Cache cleared' });
  });

  it('returns one operation of the account, and an error for foreign, malformed or missing ids', async () => {
    const mine = await env.db.systemOperation.findFirstOrThrow({ where: { accountId: acme.account } });
    const theirs = await env.db.systemOperation.findFirstOrThrow({ where: { accountId: globex.account } });
    const c = await env.subscribedUser(acme.viewer, params);
    expect(await replyTo(c, params, 'get_operation', { operation_id: mine.id })).toEqual({ type: 'operation_status', operation: operationJson(mine), timestamp: expect.any(String) });
    for (const id of [theirs.id, 'bad', undefined]) {
      expect(await replyTo(c, params, 'get_operation', id === undefined ? {} : { operation_id: id })).toEqual({ type: 'error', message: 'Operation not found', operation_id: id ?? null });
    }
  });

  it('counts the account\'s operations by status in system_stats', async () => {
    await env.db.systemOperation.createMany({ data: ['pending', 'running', 'running'].map((status) => ({ accountId: acme.account, operationType: 'deploy', status })) });
    const c = await env.subscribedUser(acme.viewer, params);
    await c.perform(params, 'refresh_stats');
    const total = await env.db.systemOperation.count({ where: { accountId: acme.account } });
    expect(c.last(params)).toEqual({
      type: 'system_stats',
      stats: { operations: { total, pending: 1, running: 2, completed: total - 3, failed: 0, cancelled: 0 } },
      timestamp: expect.any(String),
    });
  });

  it('answers ping with pong', async () => {
    const c = await env.subscribedUser(acme.viewer, params);
    expect(await replyTo(c, params, 'ping')).toEqual({ type: 'pong', timestamp: expect.any(String) });
  });

  it('delivers every catalog event broadcast to the account stream to that account only', async () => {
    const c = await env.subscribedUser(acme.viewer, params);
    const op = { channel: 'SystemChannel', account_id: globex.account };
    const o = await env.subscribedUser(globex.viewer, op);
    const row = await env.db.systemOperation.findFirstOrThrow({ where: { accountId: acme.account } });
    const node = { id: 'n', name: 'node-1', enabled: true, public_address: null, instances_count: 1, created_at: 'a', updated_at: 'b' };
    const instance = { id: 'i', name: 'i-1', status: 'running', variety: null, private_ip_address: null, public_ip_address: null, node_id: 'n', created_at: 'a', updated_at: 'b' };
    const to = { account_id: acme.account };
    await broadcaster(OperationUpdated)(env.broadcaster, to, { operation: operationJson(row) });
    await broadcaster(OperationProgress)(env.broadcaster, to, { operation_id: row.id, status: row.status, progress: row.progress, description: row.message });
    await broadcaster(NodeUpdated)(env.broadcaster, to, { node });
    await broadcaster(InstanceUpdated)(env.broadcaster, to, { instance });
    await broadcaster(StatsUpdated)(env.broadcaster, to, {});
    await Promise.all([c.idle(), o.idle()]);
    const got = c.received(params).slice(-5) as Array<Record<string, unknown>>;
    expect(got.map((m) => m.type)).toEqual(['operation_updated', 'operation_progress', 'node_updated', 'instance_updated', 'stats_updated']);
    expect(got[0]).toEqual({ type: 'operation_updated', operation: operationJson(row), timestamp: expect.any(String) });
    expect(got[1]).toEqual({ type: 'operation_progress', operation_id: row.id, status: row.status, progress: row.progress, description: row.message, timestamp: expect.any(String) });
    expect(got[2]).toMatchObject({ node });
    expect(got[3]).toMatchObject({ instance });
    expect(o.received(op)).toHaveLength(1);
  });
});
