// GitJobLogsChannel (docs/channels.md): live logs of one git pipeline job. The job must belong to the pipeline, the pipeline
// to the repository, all in the caller's account (the repository's credential too); needs `git.pipelines.logs`,
// which `refresh` (it queues a worker job) checks again, as Powernode's PipelinesController#job_logs does.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel, permissionDenied } from '../application-channel';
import { GIT_JOB_LOGS_EVENTS, GitJobLogsStream, gitJobLogsStream, JobLogsConnectionEstablished, JobStatus, LogError } from './git-job-logs-events';

const Id = z.string().trim().min(1).max(100);
const Params = z.looseObject({ repository_id: Id, pipeline_id: Id, job_id: Id });
type GitJobLogsParams = z.infer<typeof Params>;

/** The permission a subscriber needs. */
export const GIT_LOGS_PERMISSION = 'git.pipelines.logs';
/** The worker job that fetches a job's logs and streams them back (`log.chunk`, `log.complete`, `log.error`). */
export const LOG_SYNC_JOB_CLASS = 'Git::JobLogsSyncJob';

/** Job statuses for which there are no logs yet (no sync is queued). */
const NOT_STARTED = new Set(['pending', 'queued']);
/** Statuses of a job that is still producing output (the sync then streams). */
const RUNNING = new Set(['running', 'in_progress']);

interface JobRow {
  id: string;
  status: string;
  conclusion: string | null;
}

/** Streams one job's log chunks; `refresh` queues the log sync again. */
export class GitJobLogsChannel extends ApplicationChannel<GitJobLogsParams> {
  static override channel = 'GitJobLogsChannel';
  static override params = Params;
  static override actions = { refresh: z.looseObject({}) };
  static override writePermissions = { refresh: GIT_LOGS_PERMISSION };
  static events = GIT_JOB_LOGS_EVENTS;
  static streams = [GitJobLogsStream];

  override async subscribed(): Promise<void> {
    if (!this.can(GIT_LOGS_PERMISSION)) return this.reject();
    const job = this.found(await this.findJob(), 'job');
    this.streamFrom(gitJobLogsStream(job.id));
    this.transmit(eventMessage(JobLogsConnectionEstablished, { job_id: job.id, timestamp: this.now() }));
    this.transmit(eventMessage(JobStatus, { job_id: job.id, payload: { status: job.status, conclusion: job.conclusion }, timestamp: this.now() }));
    await this.queueLogSync(job);
  }

  /** Queue the log sync again (the UI's refresh button); the chunks arrive on the stream. */
  async refresh(): Promise<void> {
    const job = await this.findJob();
    if (job) await this.queueLogSync(job);
    else this.transmitLogError('Job not found');
  }

  /** `log.error` with `Permission denied: git.pipelines.logs` (defence in depth: subscribing needs it already). */
  protected override refuse(_action: string, permissions: readonly string[]): void {
    this.transmitLogError(permissionDenied(permissions));
  }

  /** A failed action (e.g. the database is unreachable) answers `log.error`, the channel's error frame. */
  override rescue(error: unknown, action: string): void {
    super.rescue(error, action);
    this.transmitLogError('Failed to refresh logs');
  }

  /** The job, through its pipeline and repository, all in the caller's account; the credential's account too. */
  private findJob(): Promise<JobRow | null> {
    const accountId = this.accountId;
    const { job_id, pipeline_id, repository_id } = this.params;
    return this.db.gitPipelineJob.findFirst({
      where: {
        ...this.owned(job_id),
        pipeline: {
          is: {
            ...this.owned(pipeline_id),
            repository: { is: { ...this.owned(repository_id), credential: { is: { accountId } } } },
          },
        },
      },
      select: { id: true, status: true, conclusion: true },
    });
  }

  /** Put Git::JobLogsSyncJob in the job outbox unless the job has not started; a failure becomes `log.error`. */
  private async queueLogSync(job: JobRow): Promise<void> {
    if (NOT_STARTED.has(job.status)) return;
    const { repository_id, pipeline_id } = this.params;
    const args = [job.id, { repository_id: this.uuid(repository_id), pipeline_id: this.uuid(pipeline_id), streaming: RUNNING.has(job.status) }];
    try {
      await this.services.jobs.enqueue({ accountId: this.accountId, jobClass: LOG_SYNC_JOB_CLASS, args, queue: 'services' });
    } catch (err) {
      this.logger.error('log sync could not be queued', { code: 'CABLE_CHANNEL_ERROR', channel: 'GitJobLogsChannel', err });
      this.transmitLogError('Failed to queue log sync');
    }
  }

  /** `{type:"log.error", job_id, payload:{error}, timestamp}` to this subscriber (the job's canonical id). */
  private transmitLogError(error: string): void {
    // The subscription only exists for a UUID job_id that matched a row, so its lower-case form is the row's id.
    this.transmit(eventMessage(LogError, { job_id: this.params.job_id.toLowerCase(), payload: { error }, timestamp: this.now() }));
  }
}
