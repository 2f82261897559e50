// Deterministic protocol fuzz (fast-check, fixed seed) against the real server (startServer on a seeded temporary
// SQLite database): after every generated burst the socket it hit is still open and confirms a fresh subscribe, no
// subscription crossed accounts, and the server logged no error and no code-less warn line. Failures shrink.

import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { channels } from '../../channels';
import { buildManifest } from '../../src/db/manifest';
import { createLogger } from '../../src/log/logger';
import { startServer } from '../../src/main';
import { runThrowaway, sendBurst, verifySocket } from '../support/fuzz/burst-runner';
import { castFromManifest, type FuzzCast } from '../support/fuzz/cast';
import { channelCatalog } from '../support/fuzz/catalog';
import { crossAccountConfirmations } from '../support/fuzz/cross-account';
import { checkFreshClient, checkHealth, type ServerAddress } from '../support/fuzz/fresh-client';
import { burstArbitrary, isFatal, stormBurst, type FrameOptions, type FuzzBurst } from '../support/fuzz/frames';
import { FuzzSocket, type SocketSpec } from '../support/fuzz/fuzz-socket';
import { LogWatch } from '../support/fuzz/log-watch';
import { chooseSocket, rosterSpecs } from '../support/fuzz/roster';
import { CI_FRAME_LIMITS, FUZZ_RATE_PER_SOCKET, FUZZ_ROTATE_AFTER_FRAMES, FUZZ_SERVER_ENV } from '../support/fuzz/server-env';

const SEED = Number(process.env.FUZZ_SEED ?? 1_515_015);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1200);
const MIN_FRAMES = 2500;
/** Burst categories every CI run must have exercised. */
const CATEGORIES = [
  'binary-bytes', 'bad-utf8', 'text-random', 'truncated-json', 'deep-frame', 'deep-identifier', 'huge-numbers', 'wrong-types', 'unknown-identifier',
  'mutated-params', 'subscribe-messages', 'bare-messages', 'ext-commands', 'subscribe-unsubscribe', 'long-strings', 'mutation', 'pre-welcome',
];

type Running = Awaited<ReturnType<typeof startServer>>;

let dir: string;
let running: Running;
let server: ServerAddress;
let cast: FuzzCast;
let frameOptions: FrameOptions;
let specs: SocketSpec[];
const sockets: FuzzSocket[] = [];
const logs = new LogWatch();
const crashes: unknown[] = [];
const sent = { frames: 0, labels: new Map<string, number>() };
const onCrash = (err: unknown) => crashes.push(err);

async function socketAt(i: number): Promise<FuzzSocket> {
  const current = sockets[i];
  if (current?.isOpen && current.sent < FUZZ_ROTATE_AFTER_FRAMES) return current;
  await current?.close();
  sockets[i] = await FuzzSocket.open(server.url, specs[i] as SocketSpec, { ratePerSecond: FUZZ_RATE_PER_SOCKET });
  return sockets[i] as FuzzSocket;
}

/** Send one burst where it belongs and return what went wrong (undefined when nothing did). */
async function runBurst(burst: FuzzBurst, pick: number): Promise<string | undefined> {
  sent.frames += burst.frames.length;
  sent.labels.set(burst.label, (sent.labels.get(burst.label) ?? 0) + burst.frames.length);
  const index = chooseSocket(specs, burst, pick);
  if (isFatal(burst, frameOptions.maxFrameBytes)) return (await runThrowaway(server.url, specs[index] as SocketSpec, burst, FUZZ_RATE_PER_SOCKET)).problem;
  const socket = await socketAt(index);
  await sendBurst(socket, burst);
  const verdict = await verifySocket(socket);
  return crossAccountConfirmations(socket, cast, frameOptions.catalog)[0] ?? verdict.problem;
}

/** The property: the burst leaves its socket served, crosses no account, logs no error or code-less line, crashes nothing. */
async function burstIsHarmless(burst: FuzzBurst, pick: number): Promise<void> {
  const crashed = crashes.length;
  const startedAt = performance.now();
  const problem = await runBurst(burst, pick);
  const lines = logs.since(startedAt).map((f) => f.example);
  if (problem) throw new Error(problem);
  if (crashes.length > crashed) throw new Error(`uncaught: ${String(crashes[crashes.length - 1])}`);
  if (lines.length > 0) throw new Error(`server logged:\n${lines.slice(0, 3).join('\n')}`);
}

beforeAll(async () => {
  // jest-circus also fails the running test on an uncaught exception or unhandled rejection in this process.
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cable-fuzz-'));
  const env = { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: `file:${path.join(dir, 'fuzz.db')}`, DATABASE_SEED: '1', ...FUZZ_SERVER_ENV };
  running = await startServer(env, createLogger('warn', (line) => logs.push(line)));
  server = { url: running.url, httpUrl: `http://127.0.0.1:${running.port}` };
  cast = castFromManifest(await buildManifest(running.db, running.config.jwt));
  frameOptions = { ...CI_FRAME_LIMITS, maxFrameBytes: running.config.cable.maxFrameBytes, catalog: channelCatalog(channels), cast };
  specs = rosterSpecs(cast, 8);
  for (let i = 0; i < specs.length; i += 1) await socketAt(i);
}, 60_000);

afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await Promise.all(sockets.map((s) => s.close()));
  await running?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('protocol fuzz against the real server', () => {
  it('keeps every socket served through generated and mutated bursts, logging no error', async () => {
    // The time limit bounds shrinking after a failure (each run is a real round trip); a clean run takes ~12 s.
    const plugins = [fc.interruptAfterTimeLimit(80_000, { failOnInterrupt: true })];
    await fc.assert(fc.asyncProperty(burstArbitrary(frameOptions), fc.nat(), burstIsHarmless), { seed: SEED, numRuns: RUNS, plugins });
    expect(sent.frames).toBeGreaterThanOrEqual(MIN_FRAMES);
    expect(CATEGORIES.filter((label) => !sent.labels.has(label))).toEqual([]);
  }, 120_000);

  it('serves a socket after subscribe storms of hundreds of subscribes', async () => {
    const storms = fc.sample(stormBurst(frameOptions), { seed: SEED, numRuns: 2 });
    for (const [i, storm] of storms.entries()) await burstIsHarmless(storm, i);
  }, 60_000);

  it('still answers /health and a fresh client afterwards, and nothing crashed', async () => {
    expect((await checkHealth(server)).detail).toMatch(/^200 /);
    const owner = cast.identities.find((id) => id.role === 'owner') as FuzzCast['identities'][number];
    expect(await checkFreshClient(server, owner)).toMatchObject({ ok: true });
    for (const [i, socket] of sockets.entries()) expect([i, (await verifySocket(socket)).problem]).toEqual([i, undefined]);
    expect(crashes).toEqual([]);
  }, 30_000);
});
