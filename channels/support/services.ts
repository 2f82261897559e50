// AppServices: what Powernode channels get through `this.services` — the database, the broadcaster used by
// publishers, the job outbox, optional side channels (Redis pub/sub for workers), the Rails API worker tool calls
// are forwarded to, the workers registered as tool executors on this node, the signed/public streams settings and
// the operator dashboard's feed.

import type { Db } from '../../src/db/prisma';
import type { ToolExecutorRegistry } from './tool-executors';

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

/** Mints a short-lived worker JWT (WorkerJwt's claims) for a call made on that worker's behalf; null when the server cannot sign. */
export type WorkerTokenMinter = (workerId: string) => string | null;

/** The Rails API (`RAILS_API_URL`) that `dispatch_tool` forwards to, and how it authenticates as the worker. */
export interface RailsApi {
  /** Base URL without a trailing slash, e.g. `http://rails:3000`. */
  url: string;
  /** Whole-request deadline (`RAILS_API_TIMEOUT_MS`). */
  timeoutMs: number;
  workerToken: WorkerTokenMinter;
}

/**
 * Signed and public streams (`$pubsub`, `Turbo::StreamsChannel`; from the CABLE_*STREAMS* settings). Absent: both
 * channels refuse every subscription.
 */
export interface StreamsSettings {
  /** Verifies `$pubsub` `signed_stream_name`s (CABLE_STREAMS_SECRET); unset: signed streams are refused. */
  secret?: string;
  /** `$pubsub` `stream_name` without a signature is allowed (CABLE_PUBLIC_STREAMS). */
  public: boolean;
  /** Signed `$pubsub` streams allow whispers (CABLE_STREAMS_WHISPER); public streams always do. */
  whisper: boolean;
  /** Signed `$pubsub` streams allow presence (CABLE_STREAMS_PRESENCE); public streams always do. */
  presence: boolean;
  /** Verifies Turbo `signed_stream_name`s (CABLE_TURBO_STREAMS_SECRET, else CABLE_STREAMS_SECRET); unset: refused. */
  turboSecret?: string;
}

/** What the operator dashboard reads and does through OperatorChannel (wired by src/main.ts from the metrics). */
export interface OperatorServices {
  /**
   * Every figure of this node now, from the counters `/metrics` exports: connections by kind, account and identity,
   * subscriptions per channel, the busiest streams, the chart series, pub/sub and database health, disconnects by
   * reason and the latest refused subscribes (plain JSON).
   */
  snapshot(): Promise<Record<string, unknown>>;
  /** Close every socket of a user or worker on every node, as `POST /_disconnect` does; resolves to the internal stream. */
  disconnect(kind: 'user' | 'worker', id: string, reconnect: boolean): Promise<string>;
  /** How often a subscribed dashboard gets a fresh snapshot (ms). */
  intervalMs: number;
  /** Whether `system.admin` users may subscribe (CABLE_DASHBOARD=admins); otherwise only the operator key's sessions. */
  admins: boolean;
}

/** Services available to every channel. */
export interface AppServices {
  db: Db;
  broadcaster: Broadcaster;
  jobs: JobQueue;
  side: SidePublisher | null;
  /** Set when RAILS_API_URL is configured: worker tool calls are forwarded there instead of the job outbox. */
  railsApi?: RailsApi | null;
  /** Workers on this node that execute tool-call jobs (created on first use when absent: see `toolExecutorsOf`). */
  toolExecutors?: ToolExecutorRegistry;
  /** Signed and public streams settings (absent: `$pubsub` and `Turbo::StreamsChannel` refuse everything). */
  streams?: StreamsSettings;
  /** The operator dashboard's figures and remote disconnect (absent, CABLE_DASHBOARD=off: OperatorChannel refuses everyone). */
  operator?: OperatorServices;
}
