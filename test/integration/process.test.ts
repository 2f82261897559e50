// The server as a process, the way `npm start` runs it: boot on a fresh embedded SQLite file (migrated and seeded),
// the demo hint, a bad setting refused naming the variable, and SIGTERM or SIGINT → server_restart to every socket, exit 0.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRaw } from '../support/ws-client';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(TSX, ['src/main.ts'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitForOutput(output: () => string, pattern: RegExp, timeoutMs = 30000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = output().match(pattern);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the server process', () => {
  it('refuses a bad setting with a message naming the variable and exit code 1', async () => {
    const p = start({ PORT: 'not-a-port' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/PORT/);
  }, 30000);

  it('boots on a fresh SQLite file, prints a working demo URL and closes sockets with server_restart on SIGTERM and on SIGINT', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cable-proc-'));
    const p = start({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${path.join(dir, 'cable.db')}` });
    try {
      const [, url] = await waitForOutput(p.output, /Demo owner of "Acme" \(valid 24 h\): (ws:\/\/\S+)/);
      const wsUrl = (url as string).replace('ws://localhost:', 'ws://127.0.0.1:');
      const c = await openRaw(wsUrl);
      expect(await c.next()).toEqual({ type: 'welcome' });
      p.child.kill('SIGTERM');
      expect(await c.next()).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
      expect(await p.exited).toBe(0);
      // The same database again (already migrated and seeded): SIGINT (Ctrl-C) shuts down exactly like SIGTERM.
      const q = start({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${path.join(dir, 'cable.db')}` });
      try {
        const [, again] = await waitForOutput(q.output, /Demo owner of "Acme" \(valid 24 h\): (ws:\/\/\S+)/);
        const d = await openRaw((again as string).replace('ws://localhost:', 'ws://127.0.0.1:'));
        expect(await d.next()).toEqual({ type: 'welcome' });
        q.child.kill('SIGINT');
        expect(await d.next()).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
        expect((await d.closed).code).toBe(1001);
        expect(await q.exited).toBe(0);
        expect(q.output()).toMatch(/SIGINT received/);
      } finally {
        q.child.kill('SIGKILL');
      }
    } finally {
      p.child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});
