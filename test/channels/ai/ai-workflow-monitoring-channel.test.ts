// AiWorkflowMonitoringChannel: the permission rule, the UI's account_id, both stream shapes, the dashboard and
// active-execution replies computed from the database, and every publisher.

import { AiWorkflowMonitoringChannel } from '../../../channels/ai/ai-workflow-monitoring-channel';
import { ActiveExecutions, activeExecutions, CostAlert, DashboardStats, dashboardStats, SystemAlert } from '../../../channels/ai/ai-workflow-monitoring-events';
import { broadcaster } from '../../../src/channel/index';
import { testUser } from '../../../src/testing/index';
import { adminWorker, appHarness, channelSuite, expectConfirmed, replyTo, TIMESTAMP } from '../../support/channel-suite';
import { openAiDb, seedAiRows, UNKNOWN_UUID, type AiRows } from './fixtures';

const d = channelSuite(openAiDb, [AiWorkflowMonitoringChannel]);
let fresh: AiRows;

beforeAll(async () => {
  // An account with a known mix of runs: the seeded running one, plus completed/failed today, yesterday and paused.
  fresh = await seedAiRows(d.db, 'Stats');
  const now = new Date();
  const yesterday = new Date(now.getTime() - 86_400_000 * 2);
  const run = (status: string, completedAt: Date | null, startedAt: Date | null = null) =>
    d.db.aiWorkflowRun.create({ data: { accountId: fresh.accountId, aiWorkflowId: fresh.workflowId, runId: `r-${status}-${Math.random()}`, status, completedAt, startedAt } });
  await run('completed', now);
  await run('completed', now);
  await run('completed', yesterday);
  await run('failed', now);
  await run('paused', null, new Date(now.getTime() - 1000));
  await run('initializing', null, null);
});

const params = (extra: Record<string, unknown> = {}) => ({ channel: 'AiWorkflowMonitoringChannel', ...extra });
const MONITOR = ['ai.monitor'];

const subscribed = (p: Record<string, unknown>, accountId = d.own.accountId, permissions = MONITOR) => d.subscribed(testUser(accountId, { permissions }), p);

describe('AiWorkflowMonitoringChannel', () => {
  describe('subscribe', () => {
    it('streams the monitoring, account and metrics streams of the own account without workflow_id', async () => {
      const client = await subscribed(params());
      expect(client.streams(params())).toEqual([`ai_orchestration:monitoring:${d.own.accountId}`, `ai_orchestration:account:${d.own.accountId}`, `ai_orchestration_${d.own.accountId}`]);
      expect(client.received(params())).toEqual([{ type: 'subscription.confirmed', channel: 'workflow_monitoring', workflow_id: null, timestamp: expect.stringMatching(TIMESTAMP) }]);
    });

    it('streams ai_orchestration:workflow:<id> for a workflow of the own account', async () => {
      const p = params({ workflow_id: d.own.workflowId });
      const client = await subscribed(p);
      expect(client.streams(p)).toEqual([`ai_orchestration:workflow:${d.own.workflowId}`]);
      expect(client.received(p)[0]).toMatchObject({ workflow_id: d.own.workflowId });
    });

    it('accepts ai.workflows.read and system.admin', async () => {
      await subscribed(params(), d.own.accountId, ['ai.workflows.read']);
      await subscribed(params(), d.own.accountId, ['system.admin']);
    });

    it('treats a blank or null workflow_id as absent (Rails present?), streaming the whole account', async () => {
      for (const workflow_id of ['', '  ', null]) {
        const p = params({ workflow_id, account_id: d.own.accountId });
        const client = await subscribed(p);
        expect(client.streams(p)).toEqual([`ai_orchestration:monitoring:${d.own.accountId}`, `ai_orchestration:account:${d.own.accountId}`, `ai_orchestration_${d.own.accountId}`]);
        expect(client.received(p)[0]).toMatchObject({ type: 'subscription.confirmed', workflow_id });
      }
    });

    it('accepts the own account_id the UI sends', async () => {
      await subscribed(params({ account_id: d.own.accountId }));
    });

    it('rejects a foreign account_id and a foreign workflow', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: ['system.admin'] }), params({ account_id: d.foreign.accountId }), params({ workflow_id: d.foreign.workflowId }));
    });

    it('rejects a malformed or unknown workflow id', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: MONITOR }), params({ workflow_id: 'abc' }), params({ workflow_id: UNKNOWN_UUID }), params({ workflow_id: 7 }));
    });

    it('rejects a user without a monitoring permission and a worker identity', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: ['ai.agents.read'] }), params());
      await d.refuses(adminWorker(d.own.accountId), params());
    });
  });

  describe('actions', () => {
    it('get_dashboard_stats counts from the database (today = the UTC day)', async () => {
      const client = await subscribed(params(), fresh.accountId);
      expect(await replyTo(client, params(), 'get_dashboard_stats')).toEqual({
        type: 'dashboard_stats', stats: { total_workflows: 2, active_executions: 3, completed_today: 2, failed_today: 1 }, timestamp: expect.stringMatching(TIMESTAMP),
      });
    });

    it('get_active_executions lists the active runs, most recently started first', async () => {
      const client = await subscribed(params(), fresh.accountId);
      await client.perform(params(), 'get_active_executions');
      const reply = client.last(params());
      expect(reply).toMatchObject({ type: 'active_executions', timestamp: expect.stringMatching(TIMESTAMP) });
      const executions = reply.executions as Array<Record<string, unknown>>;
      expect(executions.map((e) => e.status)).toEqual(['paused', 'running', 'initializing']);
      expect(executions[1]).toEqual({
        id: fresh.runPk, run_id: fresh.runId, workflow_id: fresh.workflowId, workflow_name: 'Stats Flow', status: 'running',
        started_at: expect.stringMatching(TIMESTAMP), completed_at: null, execution_time_ms: null, total_cost: '0.5',
      });
    });

    it('replies the error frame when the query fails', async () => {
      const broken = appHarness([AiWorkflowMonitoringChannel], { ...d.db, aiWorkflow: { count: () => Promise.reject(new Error('db down')) } } as never);
      const client = await expectConfirmed(await d.connect(testUser(d.own.accountId, { permissions: MONITOR }), broken.server), params());
      expect(await replyTo(client, params(), 'get_dashboard_stats')).toEqual({ type: 'error', error: 'Request failed', timestamp: expect.stringMatching(TIMESTAMP) });
    });
  });

  describe('broadcasts', () => {
    it('dashboard_stats then active_executions reach the monitoring stream', async () => {
      const client = await subscribed(params(), fresh.accountId);
      const to = { account_id: fresh.accountId };
      await broadcaster(DashboardStats)(d.broadcaster, to, { stats: await dashboardStats(d.db, fresh.accountId) });
      await broadcaster(ActiveExecutions)(d.broadcaster, to, { executions: await activeExecutions(d.db, fresh.accountId) });
      await client.idle();
      const [stats, active] = client.received(params()).slice(1) as Array<Record<string, unknown>>;
      expect(stats).toEqual({ type: 'dashboard_stats', stats: { total_workflows: 2, active_executions: 3, completed_today: 2, failed_today: 1 }, timestamp: expect.stringMatching(TIMESTAMP) });
      expect(active).toMatchObject({ type: 'active_executions', executions: expect.any(Array) });
      await broadcaster(ActiveExecutions)(d.broadcaster, to, { executions: await activeExecutions(d.db, fresh.accountId) });
      expect(client.last(params())).toMatchObject({ type: 'active_executions' });
    });

    it('system_alert and cost_alert stamp the inner hash', async () => {
      const client = await subscribed(params());
      await broadcaster(SystemAlert)(d.broadcaster, { account_id: d.own.accountId }, { alert: { level: 'critical', message: 'provider down' } });
      expect(client.last(params())).toEqual({ type: 'system_alert', alert: { level: 'critical', message: 'provider down', timestamp: expect.stringMatching(TIMESTAMP) } });
      await broadcaster(CostAlert)(d.broadcaster, { account_id: d.own.accountId }, { cost_data: { spent: '12.50', budget: '10.00' } });
      expect(client.last(params())).toEqual({ type: 'cost_alert', cost_data: { spent: '12.50', budget: '10.00', timestamp: expect.stringMatching(TIMESTAMP) } });
    });

    it('does not reach another account', async () => {
      const client = await subscribed(params());
      await broadcaster(SystemAlert)(d.broadcaster, { account_id: d.foreign.accountId }, { alert: { level: 'critical' } });
      expect(client.received(params())).toHaveLength(1);
    });
  });
});
