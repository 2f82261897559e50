// The server as a process, the way production and newcomers run it: the compiled `node dist/src/main.js` and
// `npm start` (which execs it). Boot on a fresh embedded SQLite file (migrated, seeded, generated secret, one warning
// line, a working demo URL), a bad setting or a database without tables refused with exit 1, and SIGTERM or SIGINT
// to node or to npm → server_restart (close 1001) to every socket, exit 0, nothing left running, the port free.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/services';
import { openRaw } from '../support/ws-client';

const ROOT = path.resolve(__dirname, '../..');
const DEMO_URL = /Demo owner of "Acme" \(valid 24 h\): (ws:\/\/\S+)/;

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnProc(command: string, args: string[], env: Record<string, string>): Proc {
  // jest runs with NODE_ENV=test; a newcomer's shell has none (development).
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

const node = (env: Record<string, string>) => spawnProc(process.execPath, ['dist/src/main.js'], env);
const npmStart = (env: Record<string, string>) => spawnProc('npm', ['start', '--silent'], env);

async function waitForOutput(output: () => string, pattern: RegExp, timeoutMs = 60000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = output().match(pattern);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether anything still accepts connections on `port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

/** Pids of server processes (`dist/src/main.js`) started with PORT=`port`: none may survive a stop. */
function serversOnPort(port: number): number[] {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const server = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('dist/src/main.js');
      return server && fs.readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(`PORT=${port}`) ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}

/** Open the demo URL, send `signal` to `p` and expect the drain: server_restart to the socket, close 1001, exit 0. */
async function expectDrainOn(p: Proc, url: string, signal: NodeJS.Signals): Promise<void> {
  const c = await openRaw(url);
  expect(await c.next()).toEqual({ type: 'welcome' });
  p.child.kill(signal);
  expect(await c.next()).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
  expect((await c.closed).code).toBe(1001);
  expect(await p.exited).toBe(0);
}

const dirs: string[] = [];
const tmpDb = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cable-proc-'));
  dirs.push(dir);
  return path.join(dir, 'cable.db');
};

beforeAll(() => {
  // CI compiled dist/ in `npm ci`; locally, sources may be newer than the last build.
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: ROOT, stdio: 'ignore' });
}, 180_000);
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('node dist/src/main.js', () => {
  it('refuses a bad setting with a message naming the variable and exit code 1', async () => {
    const p = node({ PORT: 'not-a-port' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/PORT/);
  }, 30000);

  it('refuses a database without its tables (auto-migrate off) naming them and the fix, exit code 1', async () => {
    const p = node({ PORT: '0', DATABASE_URL: `file:${tmpDb()}`, DATABASE_AUTO_MIGRATE: '0' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/missing tables: accounts, users[\s\S]*DATABASE_AUTO_MIGRATE=1/);
  }, 30000);

  it('boots on a fresh SQLite file (generated secret, one warning), then drains on SIGTERM and on SIGINT with exit 0', async () => {
    const db = tmpDb();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const port = await freePort();
      const p = node({ PORT: String(port), DATABASE_URL: `file:${db}` });
      try {
        const [, url] = await waitForOutput(p.output, DEMO_URL);
        expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/cable\\?token=`));
        expect(p.output().match(/^WARNING: not for production/gm)).toHaveLength(1);
        expect(fs.existsSync(path.join(path.dirname(db), 'jwt-secret'))).toBe(true);
        await expectDrainOn(p, url as string, signal);
        expect(p.output()).toContain(`${signal} received`);
        expect(await listening(port)).toBe(false);
      } finally {
        p.child.kill('SIGKILL');
      }
    }
  }, 90000);
});

describe('npm start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('passes %s on to the server (as docker stop does to CMD npm start): server_restart, exit 0, nothing left running', async (signal) => {
    const port = await freePort();
    const db = tmpDb();
    const p = npmStart({ PORT: String(port), DATABASE_URL: `file:${db}` });
    try {
      const [, url] = await waitForOutput(p.output, DEMO_URL);
      await expectDrainOn(p, url as string, signal);
      await new Promise((r) => setTimeout(r, 200));
      expect(await listening(port)).toBe(false);
      expect(serversOnPort(port)).toEqual([]);
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 120000);
});
