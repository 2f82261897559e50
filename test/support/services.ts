// The machine's services for tests: the Redis and PostgreSQL URLs, reachability probes, `describe` variants that
// skip locally and fail under CI=true when a service is missing, free ports and unique names.

import { spawnSync } from 'node:child_process';
import net from 'node:net';

/** Redis used by the tests (override with TEST_REDIS_URL). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** PostgreSQL used by the tests (override with TEST_POSTGRES_URL, or TEST_DATABASE_URL). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A name unique to this test process and run, safe as a channel prefix or schema name. */
export function uniqueName(label: string): string {
  return `${label}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}

/** Whether a TCP connection to the host:port of `url` succeeds within 1 s (synchronous, for describe-time use). */
export function isReachable(url: string): boolean {
  const { hostname, port } = new URL(url);
  const defaultPort = url.startsWith('redis') ? 6379 : 5432;
  const script = `require('net').connect(${Number(port) || defaultPort}, ${JSON.stringify(hostname)})` +
    `.on('connect', () => process.exit(0)).on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1000)`;
  return spawnSync(process.execPath, ['-e', script]).status === 0;
}

/** Whether `command --version` runs (e.g. redis-server for the outage tests). */
export function hasCommand(command: string): boolean {
  return spawnSync(command, ['--version']).status === 0;
}

/**
 * `describe` that needs something from the machine: runs when `available`; otherwise skips locally with a note,
 * and fails under CI=true so a missing service is never mistaken for a pass.
 */
export function describeIf(label: string, available: boolean, missing: string, body: () => void): void {
  if (available) return describe(label, body);
  if (process.env.CI === 'true') {
    return describe(label, () => {
      it('has what it needs', () => {
        throw new Error(`${label}: ${missing} and CI=true`);
      });
    });
  }
  process.stderr.write(`note: ${label} skipped: ${missing} (set CI=true to fail instead)\n`);
  describe.skip(label, body);
}

/** describeIf for a TCP service at `url` (Redis, PostgreSQL). */
export function describeWithService(label: string, url: string, body: () => void): void {
  describeIf(label, isReachable(url), `${new URL(url).host} is unreachable`, body);
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function isPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
