// A concurrent fuzz run (`npm run fuzz`): one lane per long-lived socket sending the bursts that fit it at a paced
// rate and probing the socket every few bursts, throwaway lanes for fatal bursts, a bystander measuring ext ping
// round trips, and the bursts that preceded each suspicious log line kept for isolation (isolate.ts).

import { runThrowaway, sendBurst, verifySocket } from './burst-runner';
import { Dispatcher } from './dispatcher';
import type { ServerAddress } from './fresh-client';
import { burstStream, type FrameOptions, type FuzzBurst } from './frames';
import { crossAccountConfirmations } from './cross-account';
import { FuzzSocket, specLabel, type SocketSpec } from './fuzz-socket';
import { sleep } from '../wait';
import type { LogWatch } from './log-watch';

/** How a run is shaped. */
export interface CampaignOptions {
  server: ServerAddress;
  specs: SocketSpec[];
  /** The bystander: an ext-protocol socket that only pings. */
  bystander: SocketSpec;
  frames: FrameOptions;
  seed: number;
  totalFrames: number;
  ratePerSocket: number;
  throwawayLanes: number;
  rotateAfterFrames: number;
  probeEveryBursts: number;
  /** A probe or bystander round trip above this is a finding. */
  slowMs: number;
  logs: LogWatch;
  /** Returns a reason to stop early (the server died), checked between bursts. */
  abort(): string | undefined;
  onProgress?(p: { frames: number; findings: number }): void;
}

/** One thing the run saw go wrong, with the frames that led to it. */
export interface Finding {
  kind: 'socket-closed' | 'probe-failed' | 'slow-response' | 'throwaway-close' | 'cross-account' | 'lane-error';
  detail: string;
  /** Where it happened (socket label). */
  where: string;
  /** The frames sent on that socket just before (oldest first). */
  frames: string[];
}

/** A burst as sent, for replay. */
export interface SentBurst {
  at: number;
  spec: SocketSpec;
  burst: FuzzBurst;
}

/** What a run did and found. */
export interface CampaignResult {
  frames: number;
  bursts: number;
  labels: Map<string, number>;
  findings: Finding[];
  /** Log signature → the bursts sent in the five seconds before it first appeared. */
  logSuspects: Map<string, SentBurst[]>;
  throwaways: number;
  closeCodes: Map<string, number>;
  reopened: number;
  probes: { count: number; maxMs: number };
  bystander: { samples: number; p50: number; p95: number; maxMs: number; lost: number };
  durationMs: number;
  skippedFatal: number;
  aborted?: string;
}

/** How far back (ms) from a log line's arrival the bursts that may have caused it are kept, and how many at most. */
const SUSPECT_WINDOW_MS = 5000;
const SENT_LOG_SIZE = 8000;

class Run {
  readonly findings: Finding[] = [];
  readonly labels = new Map<string, number>();
  readonly closeCodes = new Map<string, number>();
  readonly sentLog: SentBurst[] = [];
  readonly logSuspects = new Map<string, SentBurst[]>();
  readonly rtts: number[] = [];
  reopened = 0;
  throwaways = 0;
  probes = { count: 0, maxMs: 0 };
  lostPings = 0;
  aborted: string | undefined;

  constructor(
    readonly o: CampaignOptions,
    readonly dispatcher: Dispatcher,
  ) {}

  get stopped(): boolean {
    this.aborted ??= this.o.abort();
    return this.aborted !== undefined || this.dispatcher.done;
  }

  note(spec: SocketSpec, burst: FuzzBurst): void {
    this.labels.set(burst.label, (this.labels.get(burst.label) ?? 0) + burst.frames.length);
    this.sentLog.push({ at: performance.now(), spec, burst });
    if (this.sentLog.length > SENT_LOG_SIZE) this.sentLog.splice(0, SENT_LOG_SIZE / 4);
  }

  /** Snapshot the recent bursts for every log signature seen for the first time. */
  snapshotSuspects(): void {
    for (const f of this.o.logs.findings.values()) {
      if (this.logSuspects.has(f.signature)) continue;
      this.logSuspects.set(f.signature, this.sentLog.filter((s) => s.at >= f.firstSeenAt - SUSPECT_WINDOW_MS && s.at <= f.firstSeenAt + 50));
    }
  }
}

async function openLaneSocket(run: Run, spec: SocketSpec): Promise<FuzzSocket> {
  run.reopened += 1;
  return FuzzSocket.open(run.o.server.url, spec, { ratePerSecond: run.o.ratePerSocket });
}

async function checkLane(run: Run, socket: FuzzSocket): Promise<boolean> {
  const verdict = await verifySocket(socket);
  run.probes.count += 1;
  run.probes.maxMs = Math.max(run.probes.maxMs, verdict.probeMs);
  const where = specLabel(socket.spec);
  if (verdict.problem) run.findings.push({ kind: socket.isOpen ? 'probe-failed' : 'socket-closed', detail: verdict.problem, where, frames: [...socket.recent] });
  else if (verdict.probeMs > run.o.slowMs) run.findings.push({ kind: 'slow-response', detail: `probe subscribe took ${verdict.probeMs.toFixed(0)} ms`, where, frames: socket.recent.slice(-10) });
  return verdict.problem === undefined;
}

function checkIsolation(run: Run, socket: FuzzSocket): void {
  for (const detail of crossAccountConfirmations(socket, run.o.frames.cast, run.o.frames.catalog)) run.findings.push({ kind: 'cross-account', detail, where: specLabel(socket.spec), frames: socket.recent.slice(-10) });
}

async function socketLane(run: Run, spec: SocketSpec): Promise<void> {
  let socket = await openLaneSocket(run, spec);
  for (let n = 1; !run.stopped; n += 1) {
    const burst = run.dispatcher.nextFor(spec);
    if (!burst) break;
    run.note(spec, burst);
    await sendBurst(socket, burst);
    const healthy = n % run.o.probeEveryBursts === 0 || !socket.isOpen ? await checkLane(run, socket) : true;
    checkIsolation(run, socket);
    if (!healthy || socket.sent >= run.o.rotateAfterFrames) {
      await socket.close();
      socket = await openLaneSocket(run, spec);
    }
  }
  await checkLane(run, socket);
  await socket.close();
}

async function throwawayLane(run: Run, lane: number): Promise<void> {
  for (let n = lane; !run.stopped; n += 1) {
    const burst = run.dispatcher.nextFatal();
    if (burst === undefined) break;
    if (burst === null) {
      await sleep(20); // the socket lanes have not drawn far enough yet
      continue;
    }
    const spec = run.o.specs[n % run.o.specs.length] as SocketSpec;
    run.note(spec, burst);
    run.throwaways += 1;
    const outcome = await runThrowaway(run.o.server.url, spec, burst, run.o.ratePerSocket);
    const code = String(outcome.code ?? 'open');
    run.closeCodes.set(code, (run.closeCodes.get(code) ?? 0) + 1);
    if (outcome.problem) run.findings.push({ kind: 'throwaway-close', detail: outcome.problem, where: specLabel(spec), frames: burst.frames.map((f) => (f.kind === 'text' ? f.text.slice(0, 300) : f.kind)) });
  }
}

async function bystanderLane(run: Run, done: () => boolean): Promise<void> {
  const socket = await FuzzSocket.open(run.o.server.url, run.o.bystander, { ratePerSecond: 100 });
  while (!done() && socket.isOpen) {
    const rtt = await socket.pingRtt(run.o.slowMs * 5);
    if (rtt === null) run.lostPings += 1;
    else run.rtts.push(rtt);
    if (rtt !== null && rtt > run.o.slowMs) run.findings.push({ kind: 'slow-response', detail: `bystander ping round trip ${rtt.toFixed(0)} ms`, where: specLabel(run.o.bystander), frames: run.sentLog.slice(-5).map((s) => `${specLabel(s.spec)} ${s.burst.label}`) });
    await sleep(100);
  }
  if (!socket.isOpen && !done()) run.findings.push({ kind: 'socket-closed', detail: `bystander closed ${socket.closeInfo?.code}`, where: specLabel(run.o.bystander), frames: [] });
  await socket.close();
}

async function guarded(run: Run, where: string, lane: () => Promise<void>): Promise<void> {
  try {
    await lane();
  } catch (err) {
    run.aborted ??= run.o.abort();
    if (run.aborted === undefined) run.findings.push({ kind: 'lane-error', detail: (err as Error).message, where, frames: [] });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

/** Run the fuzz: `totalFrames` frames from the `seed` stream over every lane; resolves when they are all sent. */
export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const started = performance.now();
  const run = new Run(o, new Dispatcher(burstStream(o.frames, o.seed), o.totalFrames, o.frames.maxFrameBytes));
  let lanesDone = false;
  const ticker = setInterval(() => {
    run.snapshotSuspects();
    o.onProgress?.({ frames: run.dispatcher.frames, findings: run.findings.length + o.logs.findings.size });
  }, 250);
  const bystander = guarded(run, 'bystander', () => bystanderLane(run, () => lanesDone));
  const lanes = [...o.specs.map((spec) => guarded(run, specLabel(spec), () => socketLane(run, spec))), ...Array.from({ length: o.throwawayLanes }, (_, i) => guarded(run, `throwaway-${i}`, () => throwawayLane(run, i)))];
  await Promise.all(lanes);
  lanesDone = true;
  await bystander;
  clearInterval(ticker);
  run.snapshotSuspects();
  const rtts = [...run.rtts].sort((a, b) => a - b);
  return {
    frames: run.dispatcher.frames, bursts: run.dispatcher.bursts, labels: run.labels, findings: run.findings, logSuspects: run.logSuspects,
    throwaways: run.throwaways, closeCodes: run.closeCodes, reopened: run.reopened, probes: run.probes, skippedFatal: run.dispatcher.skipped,
    bystander: { samples: rtts.length, p50: percentile(rtts, 50), p95: percentile(rtts, 95), maxMs: rtts[rtts.length - 1] ?? 0, lost: run.lostPings },
    durationMs: performance.now() - started, aborted: run.aborted,
  };
}
