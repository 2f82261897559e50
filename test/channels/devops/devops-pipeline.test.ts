// DevopsPipelineChannel and its historical alias CiCdPipelineChannel: own account, optional pipeline of that
// account, exact streams and subscribe frame, every publisher's payload on both streams; end to end over raw ws
// (DevopsPipelineChannel) and @rails/actioncable (CiCdPipelineChannel).

import { CiCdPipelineChannel } from '../../../channels/devops/ci-cd-pipeline-channel';
import { DevopsPipelineChannel } from '../../../channels/devops/devops-pipeline-channel';
import {
  ApprovalStatus,
  DevopsAccountStream,
  DevopsPipelineStream,
  loadPipelineRun,
  progressPercentage,
  RunCompleted,
  runChangedEvent,
  RunCreated,
  RunUpdated,
  serializeRun,
  serializeStep,
  StepUpdate,
  StepUpdated,
  type PipelineRunGraph,
} from '../../../channels/devops/devops-pipeline-events';
import type { Broadcaster } from '../../../channels/support/services';
import { broadcaster, type EventSpec } from '../../../src/channel/index';
import { testUser } from '../../../src/testing/index';
import { adminWorker, channelSuite, expectSubscribed, TIMESTAMP } from '../../support/channel-suite';
import { railsSubscribe } from '../../support/clients';
import { e2eSuite } from '../../support/e2e-server';
import { openDevopsDb, seedAccountRows } from './fixtures';

/** What Rails does for a pipeline update: the pipeline's stream, then its account's (schema-only events, derived publishers). */
async function toPipeline<I>(b: Broadcaster, event: EventSpec<I>, pipeline: { id: string; accountId: string }, input: I): Promise<void> {
  await broadcaster(event, DevopsPipelineStream)(b, { pipeline_id: pipeline.id }, input);
  await broadcaster(event, DevopsAccountStream)(b, { account_id: pipeline.accountId }, input);
}
const toRun = (b: Broadcaster, event: EventSpec<{ pipeline_run: ReturnType<typeof serializeRun> }>, run: PipelineRunGraph) => toPipeline(b, event, run.pipeline, { pipeline_run: serializeRun(run) });

const d = channelSuite(openDevopsDb, [DevopsPipelineChannel, CiCdPipelineChannel]);

const devops = (extra: Record<string, unknown>) => ({ channel: 'DevopsPipelineChannel', ...extra });
const cicd = (extra: Record<string, unknown>) => ({ channel: 'CiCdPipelineChannel', ...extra });

describe('DevopsPipelineChannel', () => {
  describe('subscribe', () => {
    it('accepts the own account ({account_id} only, as usePageWebSocket sends) and streams devops_account_<id>', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const params = devops({ account_id: d.own.accountId });
      await expectSubscribed(client, params, [`devops_account_${d.own.accountId}`], [{ type: 'subscribed', message: 'Connected to DevOps pipeline updates', pipeline_id: null, timestamp: expect.stringMatching(TIMESTAMP) }]);
    });

    it('accepts a pipeline of the own account and streams devops_pipeline_<id>', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const params = devops({ account_id: d.own.accountId, pipeline_id: d.own.devopsPipelineId });
      await expectSubscribed(client, params, [`devops_pipeline_${d.own.devopsPipelineId}`], [expect.objectContaining({ type: 'subscribed', pipeline_id: d.own.devopsPipelineId })]);
    });

    it('accepts a git pipeline of the own account (approval gates publish to it)', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const params = devops({ account_id: d.own.accountId, pipeline_id: d.own.gitPipelineId });
      expect(await client.subscribe(params)).toBe('confirm_subscription');
      expect(client.streams(params)).toEqual([`devops_pipeline_${d.own.gitPipelineId}`]);
    });

    it('treats a blank or null pipeline_id as the whole account', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      for (const pipeline_id of ['', null]) {
        const params = devops({ account_id: d.own.accountId, pipeline_id });
        expect(await client.subscribe(params)).toBe('confirm_subscription');
        expect(client.streams(params)).toEqual([`devops_account_${d.own.accountId}`]);
      }
    });

    it('rejects a foreign account', async () => {
      await d.refuses(testUser(d.own.accountId), devops({ account_id: d.foreign.accountId }));
    });

    it('rejects a foreign pipeline under the own account', async () => {
      await d.refuses(testUser(d.own.accountId), devops({ account_id: d.own.accountId, pipeline_id: d.foreign.devopsPipelineId }), devops({ account_id: d.own.accountId, pipeline_id: d.foreign.gitPipelineId }));
    });

    it('rejects a malformed pipeline id and an account id that differs only in case', async () => {
      await d.refuses(testUser(d.own.accountId), devops({ account_id: d.own.accountId, pipeline_id: 'pipeline-1' }), devops({ account_id: d.own.accountId.toUpperCase() }));
    });

    it('rejects missing params and a non-string account id', async () => {
      await d.refuses(testUser(d.own.accountId), devops({}), devops({ pipeline_id: d.own.devopsPipelineId }), devops({ account_id: 42 }));
    });

    it('rejects a worker identity', async () => {
      await d.refuses(adminWorker(d.own.accountId), devops({ account_id: d.own.accountId }));
    });

    it('accepts a user without permissions (the original requires none)', async () => {
      await d.subscribed(testUser(d.own.accountId), devops({ account_id: d.own.accountId }));
    });
  });

  describe('CiCdPipelineChannel (historical alias)', () => {
    it('streams ci_cd_account_<id> and devops_account_<id> with its own subscribe message', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const params = cicd({ account_id: d.own.accountId });
      await expectSubscribed(client, params, [`ci_cd_account_${d.own.accountId}`, `devops_account_${d.own.accountId}`], [{ type: 'subscribed', message: 'Connected to CI/CD pipeline updates', pipeline_id: null, timestamp: expect.stringMatching(TIMESTAMP) }]);
    });

    it('takes pipeline_id from ci_cd_pipeline_id and streams ci_cd_pipeline_<id> and devops_pipeline_<id>', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const params = cicd({ account_id: d.own.accountId, ci_cd_pipeline_id: d.own.devopsPipelineId });
      await expectSubscribed(client, params, [`ci_cd_pipeline_${d.own.devopsPipelineId}`, `devops_pipeline_${d.own.devopsPipelineId}`], [expect.objectContaining({ pipeline_id: d.own.devopsPipelineId })]);
    });

    it('rejects a foreign account and a foreign pipeline', async () => {
      await d.refuses(testUser(d.own.accountId), cicd({ account_id: d.foreign.accountId }), cicd({ account_id: d.own.accountId, ci_cd_pipeline_id: d.foreign.devopsPipelineId }));
    });

    it('rejects a malformed ci_cd_pipeline_id', async () => {
      await d.refuses(testUser(d.own.accountId), cicd({ account_id: d.own.accountId, ci_cd_pipeline_id: 'pipeline-1' }), cicd({ account_id: d.own.accountId, ci_cd_pipeline_id: `${d.own.devopsPipelineId}x` }), cicd({ account_id: d.own.accountId, ci_cd_pipeline_id: 42 }));
    });

    it('rejects a missing or non-string account_id', async () => {
      await d.refuses(testUser(d.own.accountId), cicd({}), cicd({ ci_cd_pipeline_id: d.own.devopsPipelineId }), cicd({ account_id: 42 }));
    });

    it('rejects a worker identity', async () => {
      await d.refuses(adminWorker(d.own.accountId), cicd({ account_id: d.own.accountId }), cicd({ account_id: d.own.accountId, ci_cd_pipeline_id: d.own.devopsPipelineId }));
    });

    it('treats a blank or null ci_cd_pipeline_id as the whole account', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      for (const ci_cd_pipeline_id of ['', null]) {
        const params = cicd({ account_id: d.own.accountId, ci_cd_pipeline_id });
        expect(await client.subscribe(params)).toBe('confirm_subscription');
        expect(client.streams(params)).toEqual([`ci_cd_account_${d.own.accountId}`, `devops_account_${d.own.accountId}`]);
      }
    });

    it('delivers what older producers publish to ci_cd_pipeline_<id>', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const params = cicd({ account_id: d.own.accountId, ci_cd_pipeline_id: d.own.devopsPipelineId });
      await client.subscribe(params);
      await d.server.broadcast(`ci_cd_pipeline_${d.own.devopsPipelineId}`, { type: 'run_updated', legacy: true });
      expect(client.received(params).at(-1)).toEqual({ type: 'run_updated', legacy: true });
    });
  });

  describe('events (derived publishers)', () => {
    let run: PipelineRunGraph;
    beforeAll(async () => {
      run = (await loadPipelineRun(d.db, d.own.runId)) as PipelineRunGraph;
    });

    async function subscribeAll() {
      const client = await d.connect(testUser(d.own.accountId));
      const subs = [
        devops({ account_id: d.own.accountId, pipeline_id: d.own.devopsPipelineId }),
        devops({ account_id: d.own.accountId }),
        cicd({ account_id: d.own.accountId, ci_cd_pipeline_id: d.own.devopsPipelineId }),
      ];
      for (const s of subs) await client.subscribe(s);
      return () => subs.map((s) => client.received(s).at(-1));
    }

    const pipelineRun = () => ({
      id: d.own.runId,
      run_number: 7,
      status: 'running',
      trigger_type: 'manual',
      started_at: '2026-03-15T09:29:28.123Z',
      completed_at: null,
      duration_seconds: null,
      progress_percentage: 25,
      error_message: null,
      pipeline_id: d.own.devopsPipelineId,
      pipeline_name: 'Own deploy',
      current_step: { id: d.own.stepIds[1], name: 'step 1', status: 'running' },
    });
    const stepExecution = () => ({ id: d.own.stepIds[1], step_name: 'step 1', step_type: 'shell', status: 'running', started_at: null, completed_at: null, error_message: null });

    it.each([
      ['run_created', RunCreated],
      ['run_updated', RunUpdated],
      ['run_completed', RunCompleted],
    ] as const)('%s reaches the pipeline, account and alias subscribers with the serialized run', async (type, event) => {
      const last = await subscribeAll();
      await toRun(d.broadcaster, event, run);
      const expected = { type, pipeline_run: pipelineRun(), timestamp: expect.stringMatching(TIMESTAMP) };
      expect(last()).toEqual([expected, expected, expected]);
    });

    it('runChangedEvent picks run_completed for a finished run and run_updated otherwise', async () => {
      const last = await subscribeAll();
      const finished = { ...run, status: 'success' };
      await toRun(d.broadcaster, runChangedEvent(finished), finished);
      expect(last()[0]).toMatchObject({ type: 'run_completed', pipeline_run: { status: 'success' } });
      await toRun(d.broadcaster, runChangedEvent(run), run);
      expect(last()[0]).toMatchObject({ type: 'run_updated' });
    });

    it('step_updated carries pipeline_run_id, step_execution and progress_percentage', async () => {
      const last = await subscribeAll();
      const step = run.steps.find((s) => s.id === d.own.stepIds[1]) as PipelineRunGraph['steps'][number];
      await toPipeline(d.broadcaster, StepUpdated, run.pipeline, { pipeline_run_id: run.id, step_execution: serializeStep(step), progress_percentage: progressPercentage(run.steps) });
      const expected = { type: 'step_updated', pipeline_run_id: d.own.runId, step_execution: stepExecution(), progress_percentage: 25, timestamp: expect.stringMatching(TIMESTAMP) };
      expect(last()).toEqual([expected, expected, expected]);
    });

    it('step_update carries the event and merges extra keys', async () => {
      const last = await subscribeAll();
      const step = run.steps.find((s) => s.id === d.own.stepIds[1]) as PipelineRunGraph['steps'][number];
      const extra = { responded_by: 'ops@example.test' }; // a loose event: extra keys follow timestamp
      await toPipeline(d.broadcaster, StepUpdate, run.pipeline, { event: 'approval_granted', pipeline_run_id: run.id, step_execution: serializeStep(step), progress_percentage: progressPercentage(run.steps), ...extra });
      const expected = { type: 'step_update', event: 'approval_granted', pipeline_run_id: d.own.runId, step_execution: stepExecution(), progress_percentage: 25, timestamp: expect.stringMatching(TIMESTAMP), responded_by: 'ops@example.test' };
      expect(last()).toEqual([expected, expected, expected]);
    });

    it('approval_status reaches the git pipeline and account subscribers', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const gitSub = devops({ account_id: d.own.accountId, pipeline_id: d.own.gitPipelineId });
      const accountSub = devops({ account_id: d.own.accountId });
      await client.subscribe(gitSub);
      await client.subscribe(accountSub);
      const pipeline = await d.db.gitPipeline.findUniqueOrThrow({ where: { id: d.own.gitPipelineId } });
      const extra = { approved_by: 'u1', approved_at: '2026-03-15T09:29:28Z' };
      await toPipeline(d.broadcaster, ApprovalStatus, pipeline, { status: 'approved', gate_name: 'production', pipeline_id: pipeline.id, pipeline_name: pipeline.name, ...extra });
      const expected = { type: 'approval_status', status: 'approved', gate_name: 'production', pipeline_id: pipeline.id, pipeline_name: 'CI', timestamp: expect.stringMatching(TIMESTAMP), approved_by: 'u1', approved_at: '2026-03-15T09:29:28Z' };
      expect(client.received(gitSub).at(-1)).toEqual(expected);
      expect(client.received(accountSub).at(-1)).toEqual(expected);
    });

    it('does not deliver a foreign run to the own account', async () => {
      const client = await d.connect(testUser(d.own.accountId));
      const params = devops({ account_id: d.own.accountId });
      await client.subscribe(params);
      await toRun(d.broadcaster, RunCreated, (await loadPipelineRun(d.db, d.foreign.runId)) as PipelineRunGraph);
      expect(client.received(params)).toHaveLength(1);
    });

    it('computes progress from finished steps and is 0 without steps', () => {
      expect(progressPercentage([])).toBe(0);
      expect(progressPercentage([{ status: 'success' }, { status: 'skipped' }, { status: 'failure' }])).toBe(100);
      expect(progressPercentage([{ status: 'success' }, { status: 'running' }, { status: 'pending' }])).toBe(33);
    });
  });

  describe('end to end (raw ws, as useDevopsWebSocket connects, and @rails/actioncable for the alias, against startServer)', () => {
    const e2e = e2eSuite('devops', seedAccountRows);

    it('confirms after the subscribed frame, ignores the UI keepalive and delivers run_created', async () => {
      const ws = await e2e.raw(await e2e.newUserToken(e2e.own.accountId));
      const identifier = JSON.stringify({ channel: 'DevopsPipelineChannel', account_id: e2e.own.accountId, pipeline_id: e2e.own.devopsPipelineId });
      ws.send({ command: 'subscribe', identifier });
      const first = await ws.next((f) => f.identifier === identifier);
      expect(first.message).toEqual({ type: 'subscribed', message: 'Connected to DevOps pipeline updates', pipeline_id: e2e.own.devopsPipelineId, timestamp: expect.stringMatching(TIMESTAMP) });
      expect(await ws.next((f) => f.identifier === identifier)).toEqual({ identifier, type: 'confirm_subscription' });
      ws.send({ type: 'ping' });
      const run = (await loadPipelineRun(e2e.running.db, e2e.own.runId)) as PipelineRunGraph;
      await toRun(e2e.running.services.broadcaster, RunCreated, run);
      const frame = await ws.next((f) => f.identifier === identifier);
      expect(frame.message).toMatchObject({ type: 'run_created', pipeline_run: { id: e2e.own.runId, progress_percentage: 25 } });
    });

    it('CiCdPipelineChannel through @rails/actioncable: confirms its own pipeline, rejects a foreign one and delivers run_updated and ci_cd_* broadcasts', async () => {
      const consumer = e2e.consumer(await e2e.newUserToken(e2e.own.accountId));
      const own = railsSubscribe(consumer, { channel: 'CiCdPipelineChannel', account_id: e2e.own.accountId, ci_cd_pipeline_id: e2e.own.devopsPipelineId });
      const account = railsSubscribe(consumer, { channel: 'CiCdPipelineChannel', account_id: e2e.own.accountId });
      const foreign = railsSubscribe(consumer, { channel: 'CiCdPipelineChannel', account_id: e2e.own.accountId, ci_cd_pipeline_id: e2e.foreign.devopsPipelineId });
      expect(await own.state).toBe('connected');
      expect(await account.state).toBe('connected');
      expect(await foreign.state).toBe('rejected');
      expect(await own.next()).toEqual({ type: 'subscribed', message: 'Connected to CI/CD pipeline updates', pipeline_id: e2e.own.devopsPipelineId, timestamp: expect.stringMatching(TIMESTAMP) });
      expect(await account.next()).toMatchObject({ type: 'subscribed', pipeline_id: null });
      const run = (await loadPipelineRun(e2e.running.db, e2e.own.runId)) as PipelineRunGraph;
      await toRun(e2e.running.services.broadcaster, RunUpdated, run);
      expect(await own.next()).toMatchObject({ type: 'run_updated', pipeline_run: { id: e2e.own.runId, pipeline_id: e2e.own.devopsPipelineId } });
      expect(await account.next()).toMatchObject({ type: 'run_updated', pipeline_run: { id: e2e.own.runId } });
      await e2e.running.services.broadcaster.broadcast(`ci_cd_pipeline_${e2e.own.devopsPipelineId}`, { type: 'run_completed', legacy: true });
      expect(await own.next()).toEqual({ type: 'run_completed', legacy: true });
    });

    it('rejects a foreign account', async () => {
      const ws = await e2e.raw(await e2e.newUserToken(e2e.own.accountId));
      const identifier = JSON.stringify({ channel: 'DevopsPipelineChannel', account_id: e2e.foreign.accountId });
      ws.send({ command: 'subscribe', identifier });
      expect(await ws.next((f) => f.identifier === identifier)).toEqual({ identifier, type: 'reject_subscription' });
    });
  });
});
