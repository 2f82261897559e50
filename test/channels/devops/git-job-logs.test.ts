// GitJobLogsChannel: job → pipeline → repository → credential all in the caller's account, git.pipelines.logs,
// the subscribe frames, the log sync through the job outbox, `refresh`, and the broadcast events; end to end over ws.

import { GitJobLogsChannel, LOG_SYNC_JOB_CLASS } from '../../../channels/devops/git-job-logs-channel';
import { JobStatus, LogChunk, LogComplete, LogError, logChunkPayload } from '../../../channels/devops/git-job-logs-events';
import type { JobQueue } from '../../../channels/support/services';
import { broadcaster } from '../../../src/channel/index';
import { testUser } from '../../../src/testing/index';
import { adminWorker, appHarness, channelSuite, TIMESTAMP } from '../../support/channel-suite';
import { e2eSuite } from '../../support/e2e-server';
import { waitFor } from '../../support/wait';
import { openDevopsDb, seedAccountRows } from './fixtures';

const LOGS = ['git.pipelines.logs'];

const d = channelSuite(openDevopsDb, [GitJobLogsChannel]);

const params = (job_id: string, pipeline_id = d.own.gitPipelineId, repository_id = d.own.repositoryId) => ({ channel: 'GitJobLogsChannel', repository_id, pipeline_id, job_id });
const syncCount = async (jobId: string) => (await d.db.jobOutbox.findMany({ where: { jobClass: LOG_SYNC_JOB_CLASS } })).filter((j) => (j.args as unknown[])[0] === jobId).length;

describe('GitJobLogsChannel', () => {
  describe('subscribe', () => {
    it('streams git_job_logs:<job>, transmits connection_established then job.status and queues a streaming sync', async () => {
      const client = await d.connect(testUser(d.own.accountId, { permissions: LOGS }));
      const p = params(d.own.runningJobId);
      expect(await client.subscribe(p)).toBe('confirm_subscription');
      expect(client.streams(p)).toEqual([`git_job_logs:${d.own.runningJobId}`]);
      expect(client.received(p)).toEqual([
        { type: 'connection_established', job_id: d.own.runningJobId, message: 'Connected to job logs stream', timestamp: expect.stringMatching(TIMESTAMP) },
        { type: 'job.status', job_id: d.own.runningJobId, payload: { status: 'running', conclusion: null }, timestamp: expect.stringMatching(TIMESTAMP) },
      ]);
      const rows = (await d.db.jobOutbox.findMany({ where: { jobClass: LOG_SYNC_JOB_CLASS } })).filter((j) => (j.args as unknown[])[0] === d.own.runningJobId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ accountId: d.own.accountId, queue: 'services', status: 'pending', args: [d.own.runningJobId, { repository_id: d.own.repositoryId, pipeline_id: d.own.gitPipelineId, streaming: true }] });
    });

    it('queues a non-streaming sync for a finished job and reports its conclusion', async () => {
      const client = await d.connect(testUser(d.own.accountId, { permissions: LOGS }));
      const p = params(d.own.completedJobId);
      expect(await client.subscribe(p)).toBe('confirm_subscription');
      expect(client.received(p)[1]).toMatchObject({ type: 'job.status', payload: { status: 'completed', conclusion: 'success' } });
      const rows = (await d.db.jobOutbox.findMany({ where: { jobClass: LOG_SYNC_JOB_CLASS } })).filter((j) => (j.args as unknown[])[0] === d.own.completedJobId);
      expect(rows.map((r) => (r.args as [string, { streaming: boolean }])[1].streaming)).toEqual([false]);
    });

    it('queues nothing for a job that has not started', async () => {
      await d.subscribed(testUser(d.own.accountId, { permissions: LOGS }), params(d.own.pendingJobId));
      expect(await syncCount(d.own.pendingJobId)).toBe(0);
    });

    it('accepts system.admin in place of git.pipelines.logs', async () => {
      await d.subscribed(testUser(d.own.accountId, { permissions: ['system.admin'] }), params(d.own.pendingJobId));
    });

    it('rejects a user without git.pipelines.logs', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: ['git.pipelines.read'] }), params(d.own.runningJobId));
    });

    it('rejects a foreign job, pipeline and repository', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: LOGS }), params(d.foreign.runningJobId, d.foreign.gitPipelineId, d.foreign.repositoryId), params(d.foreign.runningJobId));
    });

    it('rejects a job of another pipeline and a pipeline of another repository', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: LOGS }), params(d.own.bareJobId), params(d.own.runningJobId, d.own.gitPipelineId, d.own.bareRepositoryId));
    });

    it('rejects a repository without a credential', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: LOGS }), params(d.own.bareJobId, d.own.barePipelineId, d.own.bareRepositoryId));
    });

    it("rejects a repository whose credential belongs to another account", async () => {
      const accountId = d.own.accountId;
      const repo = await d.db.gitRepository.create({ data: { accountId, gitProviderCredentialId: d.foreign.credentialId, name: 'x', fullName: 'own/x' } });
      const pipeline = await d.db.gitPipeline.create({ data: { accountId, gitRepositoryId: repo.id, name: 'CI' } });
      const job = await d.db.gitPipelineJob.create({ data: { accountId, gitPipelineId: pipeline.id, name: 'j', status: 'running' } });
      await d.refuses(testUser(accountId, { permissions: LOGS }), params(job.id, pipeline.id, repo.id));
    });

    it('rejects malformed ids and missing or blank params', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: LOGS }), params('job-1'), params(d.own.runningJobId, 'p'), { channel: 'GitJobLogsChannel', repository_id: d.own.repositoryId, pipeline_id: d.own.gitPipelineId }, { channel: 'GitJobLogsChannel', job_id: d.own.runningJobId }, params(' '));
    });

    it('rejects a worker identity', async () => {
      await d.refuses(adminWorker(d.own.accountId), params(d.own.runningJobId));
    });
  });

  describe('#refresh', () => {
    it('queues the log sync again', async () => {
      const client = await d.connect(testUser(d.own.accountId, { permissions: LOGS }));
      const p = params(d.own.runningJobId);
      await client.subscribe(p);
      const before = await syncCount(d.own.runningJobId);
      await client.perform(p, 'refresh');
      expect(await syncCount(d.own.runningJobId)).toBe(before + 1);
    });

    it('queues nothing while the job has not started', async () => {
      const client = await d.connect(testUser(d.own.accountId, { permissions: LOGS }));
      const p = params(d.own.pendingJobId);
      await client.subscribe(p);
      await client.perform(p, 'refresh');
      expect(await syncCount(d.own.pendingJobId)).toBe(0);
      expect(client.received(p)).toHaveLength(2);
    });

    it('answers log.error when the job is gone', async () => {
      const job = await d.db.gitPipelineJob.create({ data: { accountId: d.own.accountId, gitPipelineId: d.own.gitPipelineId, name: 'gone', status: 'pending' } });
      const client = await d.connect(testUser(d.own.accountId, { permissions: LOGS }));
      const p = params(job.id);
      await client.subscribe(p);
      await d.db.gitPipelineJob.delete({ where: { id: job.id } });
      await client.perform(p, 'refresh');
      expect(client.received(p).at(-1)).toEqual({ type: 'log.error', job_id: job.id, payload: { error: 'Job not found' }, timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it('answers log.error when the outbox refuses the job, on subscribe and on refresh', async () => {
      const failing: JobQueue = { enqueue: () => Promise.reject(new Error('outbox down')) };
      const client = await d.connect(testUser(d.own.accountId, { permissions: LOGS }), appHarness([GitJobLogsChannel], d.db, { jobs: failing }).server);
      const p = params(d.own.runningJobId);
      expect(await client.subscribe(p)).toBe('confirm_subscription');
      await client.perform(p, 'refresh');
      const errors = client.received(p).filter((m) => (m as { type: string }).type === 'log.error');
      expect(errors).toEqual([0, 1].map(() => ({ type: 'log.error', job_id: d.own.runningJobId, payload: { error: 'Failed to queue log sync' }, timestamp: expect.stringMatching(TIMESTAMP) })));
    });

    it('answers log.error when the database fails during refresh (never only a log line)', async () => {
      let down = false;
      const flaky = new Proxy(d.db, {
        get(target, key) {
          if (key === 'gitPipelineJob' && down) return { findFirst: () => Promise.reject(new Error('database unreachable')) };
          return Reflect.get(target, key, target);
        },
      });
      const queued: unknown[] = [];
      const broken = appHarness([GitJobLogsChannel], flaky, { jobs: { enqueue: async (job) => (queued.push(job), { id: 'job' }) } });
      const client = await d.connect(testUser(d.own.accountId, { permissions: LOGS }), broken.server);
      const p = params(d.own.runningJobId.toUpperCase());
      expect(await client.subscribe(p)).toBe('confirm_subscription');
      down = true;
      await client.perform(p, 'refresh');
      expect(client.received(p).at(-1)).toEqual({ type: 'log.error', job_id: d.own.runningJobId, payload: { error: 'Failed to refresh logs' }, timestamp: expect.stringMatching(TIMESTAMP) });
      expect(queued).toHaveLength(1);
    });
  });

  describe('events (derived publishers)', () => {
    async function subscribed() {
      const client = await d.connect(testUser(d.own.accountId, { permissions: LOGS }));
      const p = params(d.own.pendingJobId);
      await client.subscribe(p);
      return () => client.received(p).slice(2);
    }
    const msg = (type: string, payload: unknown) => ({ type, job_id: d.own.pendingJobId, payload, timestamp: expect.stringMatching(TIMESTAMP) });
    const job = () => ({ job_id: d.own.pendingJobId });

    it('log.chunk carries content, offset, is_complete and the size in bytes', async () => {
      const got = await subscribed();
      await broadcaster(LogChunk)(d.broadcaster, job(), { ...job(), payload: logChunkPayload('héllo\n', 12) });
      expect(got()).toEqual([msg('log.chunk', { content: 'héllo\n', offset: 12, is_complete: false, chunk_size: 7 })]);
    });

    it('log.complete is the final chunk', async () => {
      const got = await subscribed();
      await broadcaster(LogComplete)(d.broadcaster, job(), { ...job(), payload: logChunkPayload('done', 18, true) });
      await broadcaster(LogComplete)(d.broadcaster, job(), { ...job(), payload: logChunkPayload('', 0, true) });
      expect(got()).toEqual([msg('log.complete', { content: 'done', offset: 18, is_complete: true, chunk_size: 4 }), msg('log.complete', { content: '', offset: 0, is_complete: true, chunk_size: 0 })]);
    });

    it('log.error and job.status carry their payloads', async () => {
      const got = await subscribed();
      await broadcaster(LogError)(d.broadcaster, job(), { ...job(), payload: { error: 'provider unavailable' } });
      await broadcaster(JobStatus)(d.broadcaster, job(), { ...job(), payload: { status: 'completed', conclusion: 'failure' } });
      await broadcaster(JobStatus)(d.broadcaster, job(), { ...job(), payload: { status: 'in_progress', conclusion: null } });
      expect(got()).toEqual([msg('log.error', { error: 'provider unavailable' }), msg('job.status', { status: 'completed', conclusion: 'failure' }), msg('job.status', { status: 'in_progress', conclusion: null })]);
    });
  });

  describe('end to end (raw ws, as useJobLogsWebSocket connects, against startServer)', () => {
    const e2e = e2eSuite('devops', seedAccountRows);

    it('subscribes, refreshes through the outbox and receives log chunks', async () => {
      const ws = await e2e.raw(await e2e.newUserToken(e2e.own.accountId, LOGS), `&t=${Date.now()}`);
      const identifier = JSON.stringify({ channel: 'GitJobLogsChannel', repository_id: e2e.own.repositoryId, pipeline_id: e2e.own.gitPipelineId, job_id: e2e.own.runningJobId });
      ws.send({ command: 'subscribe', identifier });
      expect((await ws.next((f) => f.identifier === identifier)).message).toMatchObject({ type: 'connection_established', job_id: e2e.own.runningJobId });
      expect((await ws.next((f) => f.identifier === identifier)).message).toMatchObject({ type: 'job.status', payload: { status: 'running', conclusion: null } });
      expect(await ws.next((f) => f.identifier === identifier)).toEqual({ identifier, type: 'confirm_subscription' });
      ws.send({ command: 'message', identifier, data: JSON.stringify({ action: 'refresh' }) });
      const b = e2e.running.services.broadcaster;
      const job = { job_id: e2e.own.runningJobId };
      await broadcaster(LogChunk)(b, job, { ...job, payload: logChunkPayload('line 1\n', 0) });
      await broadcaster(LogComplete)(b, job, { ...job, payload: logChunkPayload('line 2\n', 7, true) });
      expect((await ws.next((f) => f.identifier === identifier)).message).toMatchObject({ type: 'log.chunk', payload: { content: 'line 1\n', offset: 0 } });
      expect((await ws.next((f) => f.identifier === identifier)).message).toMatchObject({ type: 'log.complete', payload: { content: 'line 2\n', offset: 7, is_complete: true } });
      // One sync queued on subscribe, one by refresh (the action may still be running: poll briefly).
      const count = async () => (await e2e.running.db.jobOutbox.findMany({ where: { jobClass: LOG_SYNC_JOB_CLASS } })).filter((j) => (j.args as unknown[])[0] === e2e.own.runningJobId).length;
      await waitFor(async () => (await count()) >= 2, 1000, 'the refresh sync');
      expect(await count()).toBe(2);
    });

    it('rejects a user without git.pipelines.logs', async () => {
      const ws = await e2e.raw(await e2e.newUserToken(e2e.own.accountId));
      const identifier = JSON.stringify({ channel: 'GitJobLogsChannel', repository_id: e2e.own.repositoryId, pipeline_id: e2e.own.gitPipelineId, job_id: e2e.own.runningJobId });
      ws.send({ command: 'subscribe', identifier });
      expect(await ws.next((f) => f.identifier === identifier)).toEqual({ identifier, type: 'reject_subscription' });
    });
  });
});
