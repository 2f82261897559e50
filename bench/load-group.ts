// The orchestrator's side of the load-generator processes: splits N clients over W forked workers, opens them,
// drives measured rounds (a window of broadcasts in flight; a round ends when every worker saw all its
// deliveries) and gathers latencies.

import type { ChildProcess } from 'node:child_process';
import { forkWorker } from './children';
import { BENCH_BROADCAST_KEY, type Collected, type FromWorker, type OpenRequest, type Opened, type ToWorker } from './messages';

/** One finished round: when it was sent and when its last delivery arrived (monotonic ms). */
export interface Round {
  seq: number;
  sentAt: number;
  lastAt: number;
}

/** How a round is sent: the sender client and, for POST rounds, the streams and how many deliveries each worker gets. */
export interface RoundPlan {
  send: ToWorker;
  expected: number[];
}

/** W load-generator processes sharing N clients. */
export class LoadGroup {
  readonly workers: ChildProcess[];
  /** Confirmed clients per worker. */
  confirmed: number[] = [];
  readonly ranges: Array<{ first: number; count: number }>;
  private readonly listeners = new Set<(w: number, msg: FromWorker) => void>();

  constructor(readonly clients: number, count: number, profileDir?: string) {
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const per = Math.ceil(clients / count);
    this.ranges = Array.from({ length: count }, (_, w) => ({ first: w * per, count: Math.max(0, Math.min(per, clients - w * per)) }));
    this.workers = this.ranges.map(() => forkWorker('bench/load-worker.ts', { ...process.env, BENCH_BROADCAST_KEY }, nodeArgs));
    this.workers.forEach((child, w) =>
      child.on('message', (msg: FromWorker) => {
        if (msg.type === 'error') process.stderr.write(`load worker ${w}: ${msg.message}\n`);
        for (const l of this.listeners) l(w, msg);
      }),
    );
  }

  /** Pids of the workers (for CPU metering). */
  get pids(): number[] {
    return this.workers.map((c) => c.pid as number);
  }

  /** Open every client; resolves with the summed result. */
  async open(req: Omit<OpenRequest, 'type' | 'first' | 'count'>): Promise<Opened> {
    const results = await Promise.all(
      this.workers.map((_, w) => this.request<Opened>(w, { type: 'open', ...req, ...(this.ranges[w] as { first: number; count: number }) }, 'opened')),
    );
    this.confirmed = results.map((r) => r.confirmed);
    return {
      type: 'opened',
      confirmed: sum(results.map((r) => r.confirmed)),
      failed: sum(results.map((r) => r.failed)),
      ms: Math.max(...results.map((r) => r.ms)),
      errors: results.flatMap((r) => r.errors),
    };
  }

  /** Run `seqs` rounds with `window` in flight; `plan(seq)` says how to send each. Rounds not done in `timeoutMs` are dropped. */
  runRounds(seqs: number[], window: number, plan: (seq: number) => RoundPlan, timeoutMs: number): Promise<{ rounds: Round[]; lost: number }> {
    return new Promise((resolve) => {
      const rounds: Round[] = [];
      const open = new Map<number, { sentAt: number; lastAt: number; waiting: number; timer: NodeJS.Timeout }>();
      let next = 0;
      let lost = 0;
      const finish = (seq: number, ok: boolean) => {
        const r = open.get(seq);
        if (!r) return;
        clearTimeout(r.timer);
        open.delete(seq);
        if (ok) rounds.push({ seq, sentAt: r.sentAt, lastAt: r.lastAt });
        else lost += 1;
        if (next < seqs.length) start();
        else if (open.size === 0) (this.listeners.delete(listener), resolve({ rounds, lost }));
      };
      const start = () => {
        const seq = seqs[next++] as number;
        const p = plan(seq);
        const waiting = p.expected.filter((n) => n > 0).length;
        open.set(seq, { sentAt: 0, lastAt: 0, waiting, timer: setTimeout(() => finish(seq, false), timeoutMs) });
        p.expected.forEach((count, w) => this.post(w, { type: 'expect', seq, count }));
        this.post(0, p.send);
        if (waiting === 0) finish(seq, true);
      };
      const listener = (_w: number, msg: FromWorker) => {
        const r = 'seq' in msg ? open.get(msg.seq) : undefined;
        if (!r) return;
        if (msg.type !== 'seq-done') return;
        r.sentAt = msg.sentAt;
        r.lastAt = Math.max(r.lastAt, msg.lastAt);
        if ((r.waiting -= 1) === 0) finish(msg.seq, true);
      };
      this.listeners.add(listener);
      if (seqs.length === 0) return resolve({ rounds, lost });
      for (let i = 0; i < Math.min(window, seqs.length); i += 1) start();
    });
  }

  /** Every worker's latencies and counters since the last collect. */
  async collect(): Promise<Collected[]> {
    return Promise.all(this.workers.map((_, w) => this.request<Collected>(w, { type: 'collect' }, 'collected')));
  }

  /** Close the clients and let the workers exit. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || !child.connected) return resolve();
            child.once('exit', () => resolve());
            child.send({ type: 'close' } satisfies ToWorker);
          }),
      ),
    );
  }

  private post(w: number, msg: ToWorker): void {
    this.workers[w]?.send(msg);
  }

  private request<T extends FromWorker>(w: number, msg: ToWorker, answer: T['type']): Promise<T> {
    return new Promise((resolve, reject) => {
      const child = this.workers[w] as ChildProcess;
      const onExit = () => reject(new Error(`load worker ${w} exited (${child.exitCode ?? child.signalCode})`));
      const listener = (from: number, reply: FromWorker) => {
        if (from !== w || reply.type !== answer) return;
        this.listeners.delete(listener);
        child.off('exit', onExit);
        resolve(reply as T);
      };
      this.listeners.add(listener);
      child.once('exit', onExit);
      this.post(w, msg);
    });
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
