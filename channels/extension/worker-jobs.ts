// The worker side of the job outbox (cable_job_outbox): which job streams a worker hears, listing the pending jobs
// it may take (catch-up after a reconnect), claiming one (pending → dispatched) and recording its outcome
// (dispatched → done | failed, with result or error), and announcing claims and outcomes to whoever waits on them.

import type { Db, JobOutbox } from '../../src/db/prisma';
import type { WorkerIdentity } from '../../src/auth/identity';
import { iso } from '../application-channel';
import type { AppServices } from '../support/services';
import { workerJobsStream } from '../support/job-queue';
import { RpcError } from './worker-rpc-channel';
import { jsonObject, jsonValue } from './extension-payloads';
import { publishToolResult, toolOutput, TOOL_DISPATCH_JOB } from './worker-tools';
import { publishMcpJobStatus } from '../platform/mcp-job-status';

/** The job streams a worker subscribes to: its account's; a system worker also `worker_jobs:system` and every active account's. */
export async function jobStreamsFor(db: Db, worker: WorkerIdentity): Promise<string[]> {
  if (!worker.isSystem) return [workerJobsStream(worker.accountId)];
  const accounts = await db.account.findMany({ where: { status: 'active' }, select: { id: true } });
  const ids = new Set([worker.accountId, ...accounts.map((a) => a.id)]);
  return [workerJobsStream(null), ...[...ids].map((id) => workerJobsStream(id))];
}

/** Jobs a worker may see and take: its own account's; for a system worker, every account's and account-less ones. */
function jobScope(worker: WorkerIdentity): { accountId?: string } {
  return worker.isSystem ? {} : { accountId: worker.accountId };
}

/** One cable_job_outbox row. */
export type JobRow = JobOutbox;

/** The wire shape of a job row. */
export function jobPayload(job: JobRow): Record<string, unknown> {
  return {
    id: job.id, job_class: job.jobClass, args: jsonValue(job.args, []), queue: job.queue, account_id: job.accountId, status: job.status,
    worker_id: job.workerId, created_at: iso(job.createdAt), dispatched_at: iso(job.dispatchedAt), completed_at: iso(job.completedAt),
  };
}

/** `pending_jobs {limit?}` → `{jobs:[…]}`, oldest first. */
export async function pendingJobs(db: Db, worker: WorkerIdentity, limit: number): Promise<{ jobs: Record<string, unknown>[] }> {
  const rows = await db.jobOutbox.findMany({ where: { status: 'pending', ...jobScope(worker) }, orderBy: { createdAt: 'asc' }, take: limit });
  return { jobs: rows.map(jobPayload) };
}

/** `claim_job {job_id}`: atomically pending → dispatched to this worker; a second claim fails. Returns the row. */
export async function claimJob(db: Db, worker: WorkerIdentity, jobId: string): Promise<JobRow> {
  const where = { id: jobId, ...jobScope(worker) };
  const claimed = await db.jobOutbox.updateMany({ where: { ...where, status: 'pending' }, data: { status: 'dispatched', workerId: worker.workerId, dispatchedAt: new Date() } });
  const job = await db.jobOutbox.findFirst({ where });
  if (!job) throw new RpcError('Job not found');
  if (claimed.count === 0) throw new RpcError(`Job already ${job.status}`);
  return job;
}

/** `complete_job {job_id, success, result?, error?}`: only the worker that claimed it may finish it. Returns the row. */
export async function completeJob(
  db: Db,
  worker: WorkerIdentity,
  input: { jobId: string; success: boolean; result?: unknown; error?: string | undefined },
): Promise<JobRow> {
  const where = { id: input.jobId, workerId: worker.workerId, status: 'dispatched' };
  const status = input.success ? 'done' : 'failed';
  const error = input.success ? null : (input.error ?? 'failed');
  const result = input.success && input.result !== undefined && input.result !== null ? { result: input.result as never } : {};
  const updated = await db.jobOutbox.updateMany({ where, data: { status, ...result, error, completedAt: new Date() } });
  if (updated.count === 0) throw new RpcError('Job not found or not dispatched to this worker');
  return db.jobOutbox.findFirstOrThrow({ where: { id: input.jobId } });
}

/**
 * Tell whoever waits on a job that it was claimed or finished: McpChannel subscribers (tool calls, workflow runs,
 * agent executions: running / completed / failed) and, for a finished tool dispatch, the worker that asked for it.
 */
export async function announceJob(services: AppServices, job: JobRow): Promise<void> {
  await publishMcpJobStatus(services, job);
  if (job.jobClass === TOOL_DISPATCH_JOB && job.status !== 'dispatched') await pushToolResult(services, job);
}

async function pushToolResult(services: AppServices, job: JobRow): Promise<void> {
  const args = jsonObject(jsonValue<unknown[]>(job.args, [])[0]);
  const requester = typeof args.requested_by_worker_id === 'string' ? args.requested_by_worker_id : null;
  if (!requester) return;
  const call = jsonObject(args.tool_call);
  await publishToolResult(services.broadcaster, { worker_id: requester }, {
    job_id: job.id,
    agent_id: typeof args.agent_id === 'string' ? args.agent_id : null,
    tool_call_id: typeof call.id === 'string' ? call.id : null,
    tool: typeof call.name === 'string' ? call.name : null,
    success: job.status === 'done',
    result: job.status === 'done' ? toolOutput(job.result) : null,
    error: job.error,
  });
}
