// The README's Node client snippet, run exactly as printed (extracted from README.md) against the real server with the
// demo data: it subscribes NotificationChannel with the identifier as an object and receives what an app broadcasts
// to the stream the README names (`account_<account id>`) through POST /_broadcast.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signToken } from '../../src/auth/jwt';
import { startServer } from '../../src/main';
import { waitFor } from '../support/wait';

const ROOT = path.resolve(__dirname, '../..');

/** The first ```js block of README.md that requires @rails/actioncable (the Node snippet). */
function nodeSnippet(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] as string).find((code) => code.includes("require('@rails/actioncable')"));
  if (!block) throw new Error('README has no Node snippet');
  return block;
}

it('the README Node snippet subscribes and receives a broadcast to account_<id>', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cable-readme-'));
  const running = await startServer({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATABASE_URL: `file:${path.join(dir, 'x.db')}`, DATABASE_SEED: '1' });
  const owner = await running.db.user.findUniqueOrThrow({ where: { email: 'owner@acme.example' } });
  const token = signToken(running.config.jwt, { type: 'access', sub: owner.id, expiresInSeconds: 600 });
  const child = spawn(process.execPath, ['-e', nodeSnippet()], { cwd: ROOT, env: { ...process.env, CABLE_URL: `${running.url}?token=${encodeURIComponent(token)}`, ACCOUNT_ID: owner.accountId }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor(() => out.includes('subscribed'), 10_000, `"subscribed" from the snippet; output: ${out}`);
    const body = { stream: `account_${owner.accountId}`, data: JSON.stringify({ type: 'new_notification', notification: { title: 'Hello' } }) };
    expect((await fetch(`http://127.0.0.1:${running.port}/_broadcast`, { method: 'POST', body: JSON.stringify(body) })).status).toBe(201);
    // NotificationChannel's connection_established is received first; wait for the broadcast itself.
    await waitFor(() => out.includes('new_notification'), 5000, `the broadcast from the snippet; output: ${out}`);
    expect(out).toContain('received {"type":"new_notification","notification":{"title":"Hello"}}');
  } finally {
    child.kill();
    await running.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
