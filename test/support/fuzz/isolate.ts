// Finds a minimal reproducer for a suspicious log line after a fuzz run: replays each suspect burst alone on a
// fresh socket of the identity that sent it, and once one reproduces the line, tries single frames and
// (first frame + one frame) pairs — a subscribe followed by the message that triggers it — before the whole burst.

import { runThrowaway, sendBurst, verifySocket } from './burst-runner';
import type { SentBurst } from './campaign';
import type { ServerAddress } from './fresh-client';
import { describeFrame, isFatal, type FuzzBurst, type FuzzFrame } from './frames';
import { FuzzSocket, specLabel, type SocketSpec } from './fuzz-socket';
import { sleep } from '../wait';
import type { LogWatch } from './log-watch';

/** A burst that reproduces a log signature on its own. */
export interface Reproducer {
  signature: string;
  socket: string;
  frames: string[];
}

const SETTLE_MS = 150;
const MAX_REPLAYS = 60;

async function replay(server: ServerAddress, spec: SocketSpec, burst: FuzzBurst, maxFrameBytes: number): Promise<void> {
  if (isFatal(burst, maxFrameBytes)) {
    await runThrowaway(server.url, spec, burst, 200);
    return;
  }
  const socket = await FuzzSocket.open(server.url, spec, { ratePerSecond: 200 });
  await sendBurst(socket, burst);
  await verifySocket(socket, 3000);
  await socket.close();
}

/** Whether replaying `frames` alone logs `signature` again. */
async function reproduces(server: ServerAddress, logs: LogWatch, signature: string, spec: SocketSpec, burst: FuzzBurst, maxFrameBytes: number): Promise<boolean> {
  const before = logs.findings.get(signature)?.count ?? 0;
  await replay(server, spec, burst, maxFrameBytes).catch(() => undefined);
  await sleep(SETTLE_MS);
  return (logs.findings.get(signature)?.count ?? 0) > before;
}

function candidatesWithin(burst: FuzzBurst): FuzzFrame[][] {
  const [first, ...rest] = burst.frames;
  if (!first) return [];
  return [...burst.frames.map((f) => [f]), ...rest.map((f) => [first, f])];
}

/** Suspects most likely first: those naming the line's channel and action, then the most recent. */
function ranked(suspects: SentBurst[], example: string): SentBurst[] {
  let fields: { channel?: unknown; action?: unknown } = {};
  try {
    fields = JSON.parse(example) as typeof fields;
  } catch {
    // a truncated example: rank by recency only
  }
  const words = [fields.channel, fields.action].filter((w): w is string => typeof w === 'string' && w !== '');
  const score = (s: SentBurst) => words.filter((w) => s.burst.frames.some((f) => f.kind === 'text' && f.text.includes(w))).length;
  return suspects.map((s, i) => ({ s, i, score: score(s) })).sort((a, b) => b.score - a.score || b.i - a.i).map((x) => x.s);
}

/** The smallest frame list found that logs `signature` again, or undefined when no suspect reproduces it. */
export async function isolate(server: ServerAddress, logs: LogWatch, signature: string, suspects: SentBurst[], maxFrameBytes: number): Promise<Reproducer | undefined> {
  let replays = 0;
  for (const suspect of ranked(suspects, logs.findings.get(signature)?.example ?? '')) {
    if (replays++ >= MAX_REPLAYS) return undefined;
    if (!(await reproduces(server, logs, signature, suspect.spec, suspect.burst, maxFrameBytes))) continue;
    for (const frames of candidatesWithin(suspect.burst)) {
      if (frames.length >= suspect.burst.frames.length || replays++ >= MAX_REPLAYS) break;
      if (await reproduces(server, logs, signature, suspect.spec, { ...suspect.burst, frames }, maxFrameBytes)) return { signature, socket: specLabel(suspect.spec), frames: frames.map((f) => describeFrame(f, 600)) };
    }
    return { signature, socket: specLabel(suspect.spec), frames: suspect.burst.frames.map((f) => describeFrame(f, 600)) };
  }
  return undefined;
}
