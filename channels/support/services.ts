// AppServices: what Powernode channels get through `this.services` — the database, the broadcaster used by
// publishers, the job outbox and optional side channels (Redis pub/sub for workers).

import type { Db } from '../../src/db/prisma';

/** Publishes a message (encoded once) to a stream; also carries the GlobalID app for `notification:<gid>` names. */
export interface Broadcaster {
  readonly gidApp: string;
  broadcast(stream: string, message: unknown): Promise<void>;
}

/** A background job handed to workers (the original POSTed these to the worker service). */
export interface JobRequest {
  accountId: string | null;
  jobClass: string;
  args: unknown[];
  queue: string;
}

/** Puts jobs in the outbox table and notifies connected workers. */
export interface JobQueue {
  enqueue(job: JobRequest): Promise<{ id: string }>;
}

/** Publishes to plain Redis pub/sub channels (e.g. `training_session_events`) when Redis is configured. */
export interface SidePublisher {
  publish(channel: string, message: unknown): Promise<void>;
}

/** Services available to every channel. */
export interface AppServices {
  db: Db;
  broadcaster: Broadcaster;
  jobs: JobQueue;
  side: SidePublisher | null;
}
