// GitJobLogsChannel publishers: `git_job_logs:<job>` and the `log.chunk`, `log.complete`, `log.error`, `job.status`
// messages. Messages of one job are delivered in call order, even when publishers are called concurrently.

import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** `git_job_logs:<job_id>` (Rails `GitJobLogsChannel.stream_key_for`). */
export function gitJobLogsStream(jobId: string): string {
  return `git_job_logs:${jobId}`;
}

/** A `{type, job_id, payload, timestamp}` job-logs message. */
export interface JobLogsMessage<P> {
  type: 'log.chunk' | 'log.complete' | 'log.error' | 'job.status';
  job_id: string;
  payload: P;
  timestamp: string;
}

/** Payload of `log.chunk` / `log.complete`. */
export interface LogChunkPayload {
  content: string;
  offset: number;
  is_complete: boolean;
  chunk_size: number;
}

/** Payload of `job.status`. */
export interface JobStatusPayload {
  status: string;
  conclusion: string | null;
}

// Per broadcaster, per job: the tail of the delivery chain (removed once it drains).
const tails = new WeakMap<Broadcaster, Map<string, Promise<unknown>>>();

/** Deliver `message` after every earlier message of the same job has been handed to the broadcaster. */
function inOrder(b: Broadcaster, jobId: string, message: JobLogsMessage<unknown>): Promise<void> {
  let jobs = tails.get(b);
  if (!jobs) tails.set(b, (jobs = new Map()));
  const previous = jobs.get(jobId) ?? Promise.resolve();
  const sent = previous.then(() => b.broadcast(gitJobLogsStream(jobId), message));
  const tail = sent.catch(() => undefined);
  jobs.set(jobId, tail);
  void tail.then(() => {
    if (jobs.get(jobId) === tail) jobs.delete(jobId);
  });
  return sent;
}

/** The `job.status` message (also transmitted by the channel on subscribe). */
export function jobStatusMessage(jobId: string, status: string, conclusion: string | null = null): JobLogsMessage<JobStatusPayload> {
  return { type: 'job.status', job_id: jobId, payload: { status, conclusion }, timestamp: isoNow() };
}

/** `log.chunk` (or `log.complete` when `isComplete`) `{content, offset, is_complete, chunk_size(bytes)}`. */
export function publishLogChunk(b: Broadcaster, jobId: string, chunk: { content: string; offset?: number; isComplete?: boolean }): Promise<void> {
  const isComplete = chunk.isComplete ?? false;
  const payload: LogChunkPayload = { content: chunk.content, offset: chunk.offset ?? 0, is_complete: isComplete, chunk_size: Buffer.byteLength(chunk.content, 'utf8') };
  return inOrder(b, jobId, { type: isComplete ? 'log.complete' : 'log.chunk', job_id: jobId, payload, timestamp: isoNow() });
}

/** `log.complete`: the final chunk (same payload as `log.chunk`, `is_complete: true`). */
export function publishLogComplete(b: Broadcaster, jobId: string, chunk: { content: string; offset?: number }): Promise<void> {
  return publishLogChunk(b, jobId, { ...chunk, isComplete: true });
}

/** `log.error {error}`: the logs could not be fetched. */
export function publishLogError(b: Broadcaster, jobId: string, error: string): Promise<void> {
  return inOrder(b, jobId, { type: 'log.error', job_id: jobId, payload: { error }, timestamp: isoNow() });
}

/** `job.status {status, conclusion}`. */
export function publishJobStatus(b: Broadcaster, jobId: string, status: string, conclusion: string | null = null): Promise<void> {
  return inOrder(b, jobId, jobStatusMessage(jobId, status, conclusion));
}
