// The job outbox (docs/original-differences.md): where the original POSTed work to the worker service, we insert a
// `cable_job_outbox` row and publish it on the workers' job stream, so connected workers receive it.

import type { Db } from '../../src/db/prisma';
import type { Broadcaster, JobQueue, JobRequest } from './services';

/** The stream workers of an account (or system workers, for account-less jobs) receive jobs on. */
export function workerJobsStream(accountId: string | null): string {
  return accountId ? `worker_jobs:account_${accountId}` : 'worker_jobs:system';
}

/** JobQueue over the outbox table. */
export class OutboxJobQueue implements JobQueue {
  constructor(private readonly db: Db, private readonly broadcaster: Broadcaster) {}

  async enqueue(job: JobRequest): Promise<{ id: string }> {
    const row = await this.db.jobOutbox.create({
      data: { accountId: job.accountId, jobClass: job.jobClass, args: job.args as never, queue: job.queue, status: 'pending' },
    });
    const message = { type: 'job', job: { id: row.id, job_class: job.jobClass, args: job.args, queue: job.queue, account_id: job.accountId } };
    await this.broadcaster.broadcast(workerJobsStream(job.accountId), message).catch(() => undefined);
    return { id: row.id };
  }
}
