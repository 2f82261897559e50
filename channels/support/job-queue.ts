// The job outbox (docs/original-differences.md): where the original POSTed work to the worker service, we insert a
// `cable_job_outbox` row and publish it on the workers' job stream, so connected workers receive it.

import { z } from 'zod';
import { defineEvent, eventMessage, stream } from '../../src/channel/index';
import type { Db } from '../../src/db/prisma';
import type { Broadcaster, JobQueue, JobRequest } from './services';

/** `worker_jobs:account_{account_id}`: jobs for the workers of one account. */
export const WorkerJobsAccountStream = stream('worker_jobs:account_{account_id}', { description: 'Jobs for the workers of one account.' });
/** `worker_jobs:system`: account-less jobs, for system workers. */
export const WorkerJobsSystemStream = stream('worker_jobs:system', { description: 'Account-less jobs, for system workers (who also receive every active account\'s).' });

/** The stream workers of an account (or system workers, for account-less jobs) receive jobs on. */
export function workerJobsStream(accountId: string | null): string {
  return accountId ? WorkerJobsAccountStream.name({ account_id: accountId }) : WorkerJobsSystemStream.name({});
}

/** `{type:"job", job:{id, job_class, args, queue, account_id}}`: a job put in the outbox, for the workers to claim. */
export const JobEnqueued = defineEvent({
  name: 'job', delivery: ['broadcast'], streams: [WorkerJobsAccountStream, WorkerJobsSystemStream],
  summary: 'A job put in the outbox; a worker claims it with claim_job (WorkerDataChannel).',
  fields: { job: z.object({ id: z.string(), job_class: z.string(), args: z.unknown(), queue: z.string(), account_id: z.string().nullable() }) },
});

/** JobQueue over the outbox table. */
export class OutboxJobQueue implements JobQueue {
  constructor(private readonly db: Db, private readonly broadcaster: Broadcaster) {}

  async enqueue(job: JobRequest): Promise<{ id: string }> {
    const row = await this.db.jobOutbox.create({
      data: { accountId: job.accountId, jobClass: job.jobClass, args: job.args as never, queue: job.queue, status: 'pending' },
    });
    const message = eventMessage(JobEnqueued, { job: { id: row.id, job_class: job.jobClass, args: job.args, queue: job.queue, account_id: job.accountId } });
    await this.broadcaster.broadcast(workerJobsStream(job.accountId), message).catch(() => undefined);
    return { id: row.id };
  }
}
