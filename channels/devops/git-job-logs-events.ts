// GitJobLogsChannel events: `{type, job_id, payload, timestamp}` on `git_job_logs:<job>` — `log.chunk`,
// `log.complete`, `log.error`, `job.status` — and the `connection_established` frame. The worker's log sync publishes
// the chunks (nothing here does), so the broadcasts are schema-only: a TypeScript producer derives its publisher with
// `broadcaster(LogChunk)` and builds the chunk payload with `logChunkPayload`.

import { z } from 'zod';
import { defineEvent, stream } from '../../src/channel/index';

/** `git_job_logs:{job_id}` (Rails `GitJobLogsChannel.stream_key_for`). */
export const GitJobLogsStream = stream('git_job_logs:{job_id}', { description: "One git pipeline job's live logs and status." });

/** `git_job_logs:<job_id>`. */
export function gitJobLogsStream(jobId: string): string {
  return GitJobLogsStream.name({ job_id: jobId });
}

const JobId = z.string();
const chunk = <C extends boolean>(complete: C) =>
  z.object({ content: z.string(), offset: z.number(), is_complete: z.literal(complete), chunk_size: z.number().describe('bytes (UTF-8)') });

/** `log.chunk {content, offset, is_complete:false, chunk_size}`. */
export const LogChunk = defineEvent({
  name: 'log.chunk', delivery: ['broadcast'], streams: [GitJobLogsStream], stamp: true, summary: 'A chunk of the job log.',
  fields: { job_id: JobId, payload: chunk(false) },
});
/** `log.complete`: the final chunk (same payload, `is_complete: true`). */
export const LogComplete = defineEvent({
  name: 'log.complete', delivery: ['broadcast'], streams: [GitJobLogsStream], stamp: true, summary: 'The final chunk of the job log.',
  fields: { job_id: JobId, payload: chunk(true) },
});
/** `log.error {error}`: the logs could not be fetched, the sync could not be queued, the job is gone, or a refresh failed. */
export const LogError = defineEvent({
  name: 'log.error', delivery: ['broadcast', 'transmit', 'reply'], replyTo: ['refresh'], streams: [GitJobLogsStream], stamp: true,
  summary: 'The logs could not be fetched (broadcast); the log sync could not be queued (on subscribe or refresh); Job not found, Permission denied or Failed to refresh logs (refresh).',
  fields: { job_id: JobId, payload: z.object({ error: z.string() }) },
});
/** `job.status {status, conclusion}`: transmitted on subscribe with the job's current status, and broadcast on changes. */
export const JobStatus = defineEvent({
  name: 'job.status', delivery: ['transmit', 'broadcast'], streams: [GitJobLogsStream], stamp: true,
  summary: "The job's status: on subscribe (its current status) and when it changes.",
  fields: { job_id: JobId, payload: z.object({ status: z.string(), conclusion: z.string().nullable() }) },
});
/** On subscribe, first: `{type:"connection_established", job_id, message, timestamp}`. */
export const JobLogsConnectionEstablished = defineEvent({
  name: 'connection_established', delivery: ['transmit'], stamp: true,
  fields: { job_id: JobId, message: z.literal('Connected to job logs stream') },
});

/** The payload of `log.chunk` / `log.complete` for `content` (`chunk_size` in UTF-8 bytes). */
export function logChunkPayload<C extends boolean = false>(content: string, offset = 0, isComplete: C = false as C) {
  return { content, offset, is_complete: isComplete, chunk_size: Buffer.byteLength(content, 'utf8') };
}

/** Every GitJobLogsChannel event (its `static events`). */
export const GIT_JOB_LOGS_EVENTS = [JobLogsConnectionEstablished, JobStatus, LogChunk, LogComplete, LogError] as const;
