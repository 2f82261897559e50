// The bench's internal wire: line prefixes children print on stdout and the IPC messages between the
// orchestrator (run.ts) and its load-generator workers (load-worker.ts). Types and constants only.

/** Shared secrets between the bench's server, its token minting and the load generators' POSTs. */
export const BENCH_JWT_SECRET = 'bench-only-jwt-secret-0123456789abcdef';
export const BENCH_BROADCAST_KEY = 'bench-broadcast-key';

/** A server child prints `BENCH_READY {"port":N}` once it listens. */
export const READY_PREFIX = 'BENCH_READY ';

/** The loop-delay preload prints `BENCH_LOOP {LoopReport}` on SIGUSR2. */
export const LOOP_REPORT_PREFIX = 'BENCH_LOOP ';

/** A client credential and the account it belongs to. */
export interface BenchToken {
  token: string;
  account: string;
}

/** What a worker's clients connect to and subscribe with. */
export interface OpenRequest {
  type: 'open';
  /** Client i connects to urls[i % urls.length] (one per node of our server). */
  urls: string[];
  /** Global index of this worker's first client and how many clients it runs. */
  first: number;
  count: number;
  /** Client i uses tokens[i % tokens.length] as `?token=` (none when empty). */
  tokens: BenchToken[];
  /** Identifiers each client subscribes to; `%i` becomes the client's global index, `%a` its token's account. */
  identifiers: string[];
  /** Handshakes in flight at once. */
  window: number;
  /** Give up on a client that is not confirmed after this long. */
  timeoutMs: number;
}

/** Orchestrator → worker. */
export type ToWorker =
  | OpenRequest
  | { type: 'expect'; seq: number; count: number }
  | { type: 'send'; seq: number; client: number; padding: string }
  | { type: 'post'; seq: number; url: string; streams: string[]; padding: string }
  | { type: 'collect' }
  | { type: 'close' };

/** Result of opening a worker's clients. */
export interface Opened {
  type: 'opened';
  confirmed: number;
  failed: number;
  /** Time from the first connect to the last confirmation, ms. */
  ms: number;
  errors: string[];
}

/** A worker saw every expected delivery of `seq`: `sentAt` is the payload's send time, `lastAt` the last arrival (monotonic ms). */
export interface SeqDone {
  type: 'seq-done';
  seq: number;
  sentAt: number;
  lastAt: number;
}

/** Everything a worker measured since open. */
export interface Collected {
  type: 'collected';
  /** Per-delivery latency (ms), one entry per broadcast frame received. */
  latencies: Float64Array;
  deliveries: number;
  results: number;
  closedEarly: number;
}

/** Worker → orchestrator. */
export type FromWorker = Opened | SeqDone | Collected | { type: 'error'; message: string };

/** The payload of one measured broadcast; `t` is monotonic ms (shared clock across local processes). */
export interface BenchPayload {
  seq: number;
  t: number;
  pad: string;
}
