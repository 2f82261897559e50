// WorkerDataChannel (docs/channels.md): the training worker's hot-path RPC. Worker identities
// only; every row read or written is in the worker's account (system workers: any account). Also the worker's job
// feed: jobs from the outbox arrive on the worker_jobs streams and are listed, claimed and completed here; a worker
// subscribing with `tool_executor: true` is registered as an executor of tool-call jobs while subscribed.

import { z } from 'zod';
import { stream } from '../../src/channel/index';
import { isUuid } from '../application-channel';
import { boundedJson } from '../support/bounded-json';
import { toolExecutorsOf } from '../support/tool-executors';
import { JobEnqueued, WorkerJobsAccountStream, WorkerJobsSystemStream } from '../support/job-queue';
import { rpcReplies, rpcRequest, WorkerRpcChannel } from './worker-rpc-channel';
import { announceJob, claimJob, completeJob, jobPayload, jobStreamsFor, pendingJobs, type JobRow } from './worker-jobs';
import { cachedTickers, strategyContexts } from './worker-trading-data';
import { recordResults, StrategyResult, type TickRef } from './worker-trading-results';
import { findSession, recordTick, TERMINAL_STATUSES, trainingStatus } from './worker-training';

/** `{"channel":"WorkerDataChannel"}` (the Ruby client) or with `tool_executor: true` (a worker that runs tool-call jobs). */
const Params = z.looseObject({ channel: z.string(), tool_executor: z.boolean().optional() });
const Id = (name: string) => z.string({ error: `${name} required` }).min(1, `${name} required`).max(64);
const TickNum = z.coerce.number().int().min(0).max(10_000_000);

const BatchStrategyContexts = rpcRequest({ strategy_ids: z.array(z.string().max(64), { error: 'strategy_ids required' }).min(1, 'strategy_ids required').max(500) });
const BatchFetchTickers = rpcRequest({ venue_id: Id('venue_id'), pairs: z.array(z.string().min(1).max(100), { error: 'pairs required' }).min(1, 'pairs required').max(1000) });
const BatchRecordResults = rpcRequest({
  results: z.array(StrategyResult, { error: 'results required' }).min(1, 'results required').max(500),
  session_id: z.string().max(64).nullish(),
  tick_num: TickNum.nullish(),
});
/** A job's recorded result and one tick result: at most 32 levels; a result up to 1 MiB, a tick result 64 KiB. */
const JobResult = boundedJson({ maxDepth: 32, maxBytes: 1024 * 1024 });
const TickResult = boundedJson({ maxDepth: 32, maxBytes: 64 * 1024 });

const TrainingTickComplete = rpcRequest({ session_id: Id('session_id'), tick_num: TickNum, tick_results: z.array(TickResult).max(1000).optional() });
const TrainingStatus = rpcRequest({ session_id: Id('session_id') });
const PendingJobs = rpcRequest({ limit: z.coerce.number().int().min(1).max(100).optional() });
const ClaimJob = rpcRequest({ job_id: Id('job_id') });
const CompleteJob = rpcRequest({ job_id: Id('job_id'), success: z.boolean().optional(), result: JobResult.optional(), error: z.string().max(2000).optional() });
const Ping = rpcRequest({});

const ACTIONS = {
  batch_strategy_contexts: BatchStrategyContexts,
  batch_fetch_tickers: BatchFetchTickers,
  batch_record_results: BatchRecordResults,
  training_tick_complete: TrainingTickComplete,
  training_status: TrainingStatus,
  pending_jobs: PendingJobs,
  claim_job: ClaimJob,
  complete_job: CompleteJob,
  ping: Ping,
};
/** `{request_id, success, data|error}` replies of every action. */
const REPLIES = rpcReplies(Object.keys(ACTIONS));
/** `worker_data:{worker_id}`: the worker's own stream (nothing in this server publishes to it). */
export const WorkerDataStream = stream('worker_data:{worker_id}', { description: "The worker's own stream." });

/** Strategy contexts, tickers, results and training progress for the training worker; the job feed for every worker. */
export class WorkerDataChannel extends WorkerRpcChannel {
  static override channel = 'WorkerDataChannel';
  static override params = Params;
  static override actions = ACTIONS;
  static events = [REPLIES.Success, REPLIES.Failure, JobEnqueued] as const;
  static streams = [WorkerDataStream, WorkerJobsAccountStream, WorkerJobsSystemStream];
  protected override readonly replies = REPLIES;

  /** Removes this subscription's tool-executor registration. */
  private unregister: (() => void) | null = null;

  override async subscribed(): Promise<void> {
    this.streamFrom(WorkerDataStream.name({ worker_id: this.worker.workerId }));
    for (const stream of await jobStreamsFor(this.db, this.worker)) this.streamFrom(stream);
    if (this.params.tool_executor !== true) return;
    const { workerId, accountId, isSystem } = this.worker;
    this.unregister = toolExecutorsOf(this.services).register({ workerId, accountId, isSystem });
  }

  override unsubscribed(): void {
    this.unregister?.();
    this.unregister = null;
  }

  /** `batch_strategy_contexts {strategy_ids}` → `{contexts}`. */
  batch_strategy_contexts({ strategy_ids }: z.infer<typeof BatchStrategyContexts>) {
    return strategyContexts(this.db, this.accountScope(), strategy_ids);
  }

  /** `batch_fetch_tickers {venue_id, pairs}` → `{tickers}` (cached venue tickers; at most 100 distinct pairs). */
  batch_fetch_tickers({ venue_id, pairs }: z.infer<typeof BatchFetchTickers>) {
    return cachedTickers(this.db, this.uuidOr(venue_id, 'Venue not found'), pairs);
  }

  /** `batch_record_results {results, session_id?, tick_num?}` → `{outcomes, tick_metrics}`. */
  async batch_record_results({ results, session_id, tick_num }: z.infer<typeof BatchRecordResults>) {
    const session = session_id ? await this.optionalSession(session_id) : null;
    const tickNum = tick_num ?? null;
    const tick: TickRef = { sessionId: session?.id ?? null, sessionAccountId: session?.accountId ?? null, tickNum, cacheTickers: this.worker.isSystem };
    const outcomes = await recordResults(this.db, this.services, this.accountScope(), results, tick, (err) =>
      this.logger.warn('worker result not recorded', { code: 'CABLE_CHANNEL_ERROR', err }),
    );
    let tickMetrics: Record<string, unknown> | null = null;
    if (session && tickNum !== null && !TERMINAL_STATUSES.has(session.status)) {
      const tickResults = results.map((r) => outcomes[r.strategy_id] ?? {});
      tickMetrics = await recordTick(this.db, this.services, session, tickNum, tickResults).catch((err: unknown) => {
        this.logger.warn('batch tick not recorded', { code: 'CABLE_CHANNEL_ERROR', err });
        return null;
      });
    }
    return { outcomes, tick_metrics: tickMetrics };
  }

  /** `training_tick_complete {session_id, tick_num, tick_results}` → the tick metrics, or `{cancelled, status}` when terminal. */
  async training_tick_complete({ session_id, tick_num, tick_results }: z.infer<typeof TrainingTickComplete>) {
    const session = await this.session(session_id);
    if (TERMINAL_STATUSES.has(session.status)) return { cancelled: session.status === 'cancelled', status: session.status };
    return recordTick(this.db, this.services, session, tick_num, tick_results ?? []);
  }

  /** `training_status {session_id}` → the session status (and a heartbeat while running or pending). */
  async training_status({ session_id }: z.infer<typeof TrainingStatus>) {
    return trainingStatus(this.db, await this.session(session_id));
  }

  /** `pending_jobs {limit?}` → `{jobs}`: outbox jobs this worker may claim, oldest first. */
  pending_jobs({ limit }: z.infer<typeof PendingJobs>) {
    return pendingJobs(this.db, this.worker, limit ?? 50);
  }

  /** `claim_job {job_id}` → `{job}` (pending → dispatched to this worker; announced as running). */
  async claim_job({ job_id }: z.infer<typeof ClaimJob>) {
    return this.announced(await claimJob(this.db, this.worker, this.uuidOr(job_id, 'Job not found')));
  }

  /** `complete_job {job_id, success?, result?, error?}` → `{job}` (dispatched → done | failed; announced). */
  async complete_job({ job_id, success, result, error }: z.infer<typeof CompleteJob>) {
    const input = { jobId: this.uuidOr(job_id, 'Job not found'), success: success ?? true, result, error };
    return this.announced(await completeJob(this.db, this.worker, input));
  }

  /** `{job}` for the reply, after telling the job's waiters; a failed announcement is logged, never the worker's error. */
  private async announced(job: JobRow) {
    await announceJob(this.services, job).catch((err: unknown) => this.logger.warn('job status not announced', { code: 'CABLE_CHANNEL_ERROR', err }));
    return { job: jobPayload(job) };
  }

  private session(sessionId: string) {
    return findSession(this.db, this.accountScope(), this.uuidOr(sessionId, 'Training session not found'));
  }

  /** The session when it is in scope, else null (a malformed id too: the batch is still recorded, untied to a tick). */
  private async optionalSession(sessionId: string) {
    return isUuid(sessionId) ? this.session(sessionId).catch(() => null) : null;
  }
}
