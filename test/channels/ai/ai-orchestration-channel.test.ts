// AiOrchestrationChannel: every subscription type and its authorization, the UI's id aliases, the exact streams,
// the confirmation and initial status frames.

import { AiOrchestrationChannel } from '../../../channels/ai/ai-orchestration-channel';
import { testUser } from '../../../src/testing/index';
import { adminWorker, channelSuite, TIMESTAMP } from '../../support/channel-suite';
import { openAiDb, UNKNOWN_UUID, type AiRows } from './fixtures';

const d = channelSuite(openAiDb, [AiOrchestrationChannel]);

const sub = (extra: Record<string, unknown>) => ({ channel: 'AiOrchestrationChannel', ...extra });
const READ = ['ai_orchestration.read'];

async function outcome(params: Record<string, unknown>, permissions: string[] = []) {
  const client = await d.connect(testUser(d.own.accountId, { permissions }));
  return { result: await client.subscribe(params), client };
}

/** The types whose resource is looked up in the caller's account, and the row of an account that names it. */
const SCOPED: Array<[string, (rows: AiRows) => string]> = [
  ['account', (r) => r.accountId],
  ['monitoring', (r) => r.accountId],
  ['workflow', (r) => r.workflowId],
  ['workflow_run', (r) => r.runId],
  ['agent', (r) => r.agentId],
  ['batch_execution', (r) => r.batchId],
  ['ralph_loop', (r) => r.ralphLoopId],
  ['worktree_session', (r) => r.worktreeSessionId],
];

describe('AiOrchestrationChannel', () => {
  describe('accepts each type for a resource of the own account, streaming ai_orchestration:<type>:<id>', () => {
    const cases: Array<[string, () => string, string[]]> = [
      ...SCOPED.map(([type, id]): [string, () => string, string[]] => [type, () => id(d.own), []]),
      ['system', () => 'health', ['system.admin']],
      ['circuit_breaker', () => d.own.breakerId, READ],
      ['circuit_breaker', () => 'all', READ],
      ['circuit_breaker', () => d.serviceBreakerId, READ],
      ['circuit_breaker_service', () => 'openai', READ],
    ];
    it.each(cases)('%s', async (type, id, permissions) => {
      const params = sub({ type, id: id() });
      const { result, client } = await outcome(params, permissions);
      expect(result).toBe('confirm_subscription');
      const stream = `ai_orchestration:${type}:${id()}`;
      expect(client.streams(params)[0]).toBe(stream);
      expect(client.received(params)[0]).toEqual({ type: 'subscription.confirmed', subscription_type: type, resource_id: id(), stream_key: stream, timestamp: expect.stringMatching(TIMESTAMP) });
    });
  });

  describe('rejects a resource of a foreign account', () => {
    const cases: Array<[string, () => string, string[]]> = [
      ...SCOPED.map(([type, id]): [string, () => string, string[]] => [type, () => id(d.foreign), []]),
      ['circuit_breaker', () => d.foreign.breakerId, ['system.admin']],
    ];
    it.each(cases)('%s', async (type, id, permissions) => {
      expect((await outcome(sub({ type, id: id() }), permissions)).result).toBe('reject_subscription');
    });
  });

  describe('rejects a missing permission', () => {
    it.each([
      ['system', 'health'],
      ['circuit_breaker', 'all'],
      ['circuit_breaker_service', 'openai'],
    ])('%s', async (type, id) => {
      expect((await outcome(sub({ type, id }), ['ai.monitor'])).result).toBe('reject_subscription');
    });

    // §2.3: the original requires ai_orchestration.read for every circuit_breaker id; ownership narrows that, it does
    // not replace it (an own-account breaker still needs the permission).
    it('circuit_breaker for an own breaker', async () => {
      expect((await outcome(sub({ type: 'circuit_breaker', id: d.own.breakerId }))).result).toBe('reject_subscription');
    });
  });

  it('rejects unknown breakers and services', async () => {
    expect((await outcome(sub({ type: 'circuit_breaker', id: UNKNOWN_UUID }), READ)).result).toBe('reject_subscription');
    expect((await outcome(sub({ type: 'circuit_breaker', id: 'not-a-breaker' }), READ)).result).toBe('reject_subscription');
    expect((await outcome(sub({ type: 'circuit_breaker_service', id: 'nope' }), READ)).result).toBe('reject_subscription');
  });

  it('rejects malformed and unknown ids', async () => {
    for (const params of [sub({ type: 'workflow', id: 'x;1' }), sub({ type: 'agent', id: UNKNOWN_UUID }), sub({ type: 'ralph_loop', id: '12' }), sub({ type: 'workflow_run', id: 'nope' })]) {
      expect((await outcome(params)).result).toBe('reject_subscription');
    }
  });

  it('rejects missing params, an unknown type and an empty id', async () => {
    expect((await outcome(sub({}))).result).toBe('reject_subscription');
    expect((await outcome(sub({ type: 'account' }))).result).toBe('reject_subscription');
    expect((await outcome(sub({ type: 'galaxy', id: d.own.accountId }))).result).toBe('reject_subscription');
    expect((await outcome(sub({ type: 'account', id: '' }))).result).toBe('reject_subscription');
  });

  it('rejects a worker identity', async () => {
    await d.refuses(adminWorker(d.own.accountId), sub({ type: 'account', id: d.own.accountId }));
  });

  describe('the UI aliases', () => {
    it('takes resource_id as the id (useCircuitBreaker)', async () => {
      const params = sub({ type: 'circuit_breaker', resource_id: d.own.breakerId });
      const { result, client } = await outcome(params, READ);
      expect(result).toBe('confirm_subscription');
      expect(client.streams(params)).toEqual([`ai_orchestration:circuit_breaker:${d.own.breakerId}`]);
    });

    it('takes service_name as the id (useCircuitBreaker)', async () => {
      const params = sub({ type: 'circuit_breaker_service', service_name: 'openai' });
      const { result, client } = await outcome(params, READ);
      expect(result).toBe('confirm_subscription');
      expect(client.streams(params)).toEqual(['ai_orchestration:circuit_breaker_service:openai']);
    });

    it('treats {account_id} without a type as the account type (usePageWebSocket)', async () => {
      const params = sub({ account_id: d.own.accountId });
      const { result, client } = await outcome(params);
      expect(result).toBe('confirm_subscription');
      expect(client.streams(params)).toEqual([`ai_orchestration:account:${d.own.accountId}`, `ai_orchestration_${d.own.accountId}`]);
      expect((await outcome(sub({ account_id: d.foreign.accountId }))).result).toBe('reject_subscription');
    });

    it('compares a numeric id as a string', async () => {
      expect((await outcome(sub({ type: 'system', id: 1 }), ['system.admin'])).result).toBe('confirm_subscription');
    });
  });

  it('streams ai_orchestration_<account> for the account and monitoring types', async () => {
    for (const type of ['account', 'monitoring']) {
      const params = sub({ type, id: d.own.accountId });
      const { client } = await outcome(params);
      expect(client.streams(params)).toEqual([`ai_orchestration:${type}:${d.own.accountId}`, `ai_orchestration_${d.own.accountId}`]);
    }
  });

  describe('initial status', () => {
    it('sends the workflow run after the confirmation', async () => {
      const params = sub({ type: 'workflow_run', id: d.own.runId });
      const { client } = await outcome(params);
      const [, initial] = client.received(params) as Array<Record<string, unknown>>;
      expect(initial).toEqual({
        event: 'workflow.run.status.changed',
        type: 'workflow_run',
        resource_id: d.own.runId,
        payload: {
          workflow_run: {
            id: d.own.runPk, run_id: d.own.runId, ai_workflow_id: d.own.workflowId, status: 'running', trigger_type: 'manual',
            started_at: expect.stringMatching(/\.\d{3}Z$/), completed_at: null, created_at: expect.stringMatching(/\.\d{3}Z$/),
            duration_seconds: expect.any(Number), total_nodes: 4, completed_nodes: 1, failed_nodes: 0, cost_usd: '0.5', error_details: {}, progress_percentage: 25,
          },
        },
        timestamp: expect.stringMatching(TIMESTAMP),
        is_initial_status: true,
      });
    });

    it('sends the Ralph loop progress', async () => {
      const params = sub({ type: 'ralph_loop', id: d.own.ralphLoopId });
      const { client } = await outcome(params);
      expect(client.received(params)[1]).toEqual({
        event: 'ralph_loop.progress', resource_type: 'ralph_loop', resource_id: d.own.ralphLoopId,
        payload: { loop_id: d.own.ralphLoopId, status: 'running', progress_percentage: 37.5, current_iteration: 3, completed_task_count: 3, task_count: 8 },
        timestamp: expect.stringMatching(TIMESTAMP), is_initial_status: true,
      });
    });

    it('sends the worktree session summary', async () => {
      const params = sub({ type: 'worktree_session', id: d.own.worktreeSessionId });
      const { client } = await outcome(params);
      expect(client.received(params)[1]).toMatchObject({
        event: 'worktree_session.status_changed', resource_type: 'worktree_session', resource_id: d.own.worktreeSessionId, is_initial_status: true,
        payload: { id: d.own.worktreeSessionId, status: 'active', repository_path: '/srv/app', total_worktrees: 4, completed_worktrees: 1, progress_percentage: 25, base_branch: 'main' },
      });
    });

    it('sends nothing more for the other types', async () => {
      const params = sub({ type: 'workflow', id: d.own.workflowId });
      const { client } = await outcome(params);
      expect(client.received(params)).toHaveLength(1);
    });
  });
});
