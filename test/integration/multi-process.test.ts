// Two server PROCESSES on one Redis, started the way `npm start` runs (src/main.ts on a seeded temporary SQLite
// database, default history settings, NODE_ENV=production with a BROADCAST_KEY): a client on node A receives a
// broadcast POSTed to node B's /_broadcast, POST /_disconnect on B (by user id and by worker id) closes sockets on A
// with the Rails frame, and a Rails-style raw PUBLISH to `<prefix>:action_cable/<gid>` from a bare Redis client
// closes the matching socket.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { connectionIdentifierFor } from '../../src/auth/identity';
import { openRaw, type RawClient } from '../support/ws-client';
import { describeWithService, freePort, TEST_REDIS_URL, uniqueName } from '../support/services';
import { sleep } from '../support/wait';

const ROOT = path.resolve(__dirname, '../..');
const KEY = 'multi-process-key-123';

interface Node {
  child: ChildProcess;
  port: number;
  output: () => string;
}

interface Member {
  id: string;
  status: string;
  access_token?: string;
  worker_token?: string;
}

interface Manifest {
  accounts: Array<{ id: string; status: string; users: Member[]; workers: Member[] }>;
}

async function startNode(env: NodeJS.ProcessEnv): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`src/main.ts exited (${child.exitCode}):\n${out}`);
    const health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json() as Promise<{ status: string }>, () => null);
    if (health?.status === 'ok') return { child, port, output: () => out };
    if (Date.now() > deadline) throw new Error(`src/main.ts did not become healthy on ${port}:\n${out}`);
    await sleep(100);
  }
}

function stopNode(node: Node | undefined): Promise<void> {
  if (!node || node.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    node.child.once('exit', () => resolve());
    node.child.kill('SIGTERM');
  });
}

describeWithService('two server processes on one Redis', TEST_REDIS_URL, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cable-multiproc-'));
  const prefix = uniqueName('multiproc');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: `file:${path.join(dir, 'cable.db')}`,
    JWT_SECRET_KEY: 'multi-process-test-secret-0123456789abcdef',
    BROADCAST_KEY: KEY,
    PUBSUB_ADAPTER: 'redis',
    REDIS_URL: TEST_REDIS_URL,
    CABLE_CHANNEL_PREFIX: prefix,
  };
  let a: Node | undefined;
  let b: Node | undefined;
  let account: Manifest['accounts'][number];
  const clients: RawClient[] = [];

  beforeAll(async () => {
    // demo:manifest migrates and seeds the empty database (seeding is off in production) and prints tokens signed
    // with JWT_SECRET_KEY; the servers then run in production mode on it.
    const manifestEnv = { ...env, NODE_ENV: 'development' };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo-manifest.ts'], { cwd: ROOT, env: manifestEnv, maxBuffer: 64 * 2 ** 20 });
    const manifest = JSON.parse(stdout) as Manifest;
    const found = manifest.accounts.find((x) => x.status === 'active' && x.users.filter((u) => u.status === 'active').length >= 2 && x.workers.some((w) => w.status === 'active'));
    if (!found) throw new Error('the demo manifest has no active account with two active users and an active worker');
    account = found;
    [a, b] = await Promise.all([startNode(env), startNode(env)]);
  }, 40000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await Promise.all([stopNode(a), stopNode(b)]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const activeUser = (n: number) => account.users.filter((u) => u.status === 'active')[n]!;
  const post = (node: Node, route: string, body: unknown) =>
    fetch(`http://127.0.0.1:${node.port}${route}`, { method: 'POST', body: JSON.stringify(body), headers: { Authorization: `Bearer ${KEY}` } });

  async function connect(node: Node, token: string): Promise<RawClient> {
    const c = await openRaw(`ws://127.0.0.1:${node.port}/cable?token=${encodeURIComponent(token)}`);
    clients.push(c);
    expect(await c.next()).toEqual({ type: 'welcome' });
    return c;
  }

  it('delivers a broadcast POSTed to node B to a subscriber on node A', async () => {
    const c = await connect(a!, activeUser(0).access_token!);
    const identifier = JSON.stringify({ channel: 'NotificationChannel', account_id: account.id });
    c.send({ command: 'subscribe', identifier });
    await c.next((f) => f.identifier === identifier && f.type === 'confirm_subscription');
    const res = await post(b!, '/_broadcast', { stream: `account_${account.id}`, data: '{"from":"node b"}' });
    expect(res.status).toBe(201);
    expect(await c.next((f) => f.identifier === identifier && f.message !== undefined && (f.message as { type?: string }).type !== 'connection_established')).toEqual({
      identifier,
      message: { from: 'node b' },
    });
  });

  it('closes a user socket on node A with the Rails frame when node B is asked to disconnect that user', async () => {
    const user = activeUser(0);
    const c = await connect(a!, user.access_token!);
    const res = await post(b!, '/_disconnect', { user_id: user.id, reconnect: false });
    expect(res.status).toBe(202);
    expect(await c.next((f) => f.type === 'disconnect')).toEqual({ type: 'disconnect', reason: 'remote', reconnect: false });
    expect((await c.closed).code).toBe(1000);
  });

  it('closes a worker socket on node A through /_disconnect by worker_id on node B', async () => {
    const worker = account.workers.find((w) => w.status === 'active')!;
    const c = await connect(a!, worker.worker_token!);
    const res = await post(b!, '/_disconnect', { worker_id: worker.id });
    expect(res.status).toBe(202);
    expect(await c.next((f) => f.type === 'disconnect')).toEqual({ type: 'disconnect', reason: 'remote', reconnect: true });
  });

  it('closes the matching socket on a Rails-style raw PUBLISH <prefix>:action_cable/<gid>, and only that one', async () => {
    const [target, other] = [activeUser(0), activeUser(1)];
    const [c, bystander] = [await connect(a!, target.access_token!), await connect(b!, other.access_token!)];
    const rails = new Redis(TEST_REDIS_URL);
    try {
      const channel = `${prefix}:action_cable/${connectionIdentifierFor('server', 'user', target.id)}`;
      expect(await rails.publish(channel, '{"type":"disconnect","reconnect":false}')).toBeGreaterThanOrEqual(1);
    } finally {
      await rails.quit();
    }
    expect(await c.next((f) => f.type === 'disconnect')).toEqual({ type: 'disconnect', reason: 'remote', reconnect: false });
    await bystander.none((f) => f.type === 'disconnect', 300);
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
  });
});
