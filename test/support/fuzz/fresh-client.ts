// The after-fuzz health checks: GET /health answers 200, and a fresh client (no sub-protocol, like Powernode's UI)
// gets its welcome, subscribes NotificationChannel, is confirmed, and receives a broadcast posted to /_broadcast.

import type { FuzzIdentity } from './cast';
import { FuzzSocket } from './fuzz-socket';

/** Where the server listens. */
export interface ServerAddress {
  /** `ws://…/cable`. */
  url: string;
  /** `http://host:port`. */
  httpUrl: string;
  /** Bearer key of /_broadcast (none: the server trusts loopback callers). */
  broadcastKey?: string;
}

/** The result of a check: ok, how long it took, and what failed. */
export interface CheckResult {
  ok: boolean;
  ms: number;
  detail: string;
}

/** GET /health → 200. */
export async function checkHealth(server: ServerAddress): Promise<CheckResult> {
  const started = performance.now();
  try {
    const res = await fetch(`${server.httpUrl}/health`, { signal: AbortSignal.timeout(10_000) });
    const body = await res.text();
    return { ok: res.status === 200, ms: performance.now() - started, detail: `${res.status} ${body.slice(0, 200)}` };
  } catch (err) {
    return { ok: false, ms: performance.now() - started, detail: `GET /health failed: ${(err as Error).message}` };
  }
}

async function postBroadcast(server: ServerAddress, stream: string, data: unknown): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (server.broadcastKey) headers.authorization = `Bearer ${server.broadcastKey}`;
  const res = await fetch(`${server.httpUrl}/_broadcast`, { method: 'POST', headers, body: JSON.stringify({ stream, data: JSON.stringify(data) }), signal: AbortSignal.timeout(10_000) });
  return res.status;
}

/** A new socket of `user` gets welcome, confirm_subscription and a broadcast on NotificationChannel. */
export async function checkFreshClient(server: ServerAddress, user: FuzzIdentity): Promise<CheckResult> {
  const started = performance.now();
  const fail = (detail: string): CheckResult => ({ ok: false, ms: performance.now() - started, detail });
  let socket: FuzzSocket;
  try {
    socket = await FuzzSocket.open(server.url, { identity: user }, { ratePerSecond: 100 });
  } catch (err) {
    return fail((err as Error).message);
  }
  try {
    const identifier = JSON.stringify({ channel: 'NotificationChannel', account_id: user.accountId });
    const answer = socket.waitFor((f) => f.identifier === identifier && String(f.type).endsWith('_subscription'), 10_000);
    socket.ws.send(JSON.stringify({ command: 'subscribe', identifier }));
    const frame = await answer;
    if (frame?.type !== 'confirm_subscription') return fail(`subscribe answered ${JSON.stringify(frame)}`);
    const marker = `fuzz-check-${Date.now()}`;
    const delivered = socket.waitFor((f) => f.identifier === identifier && (f.message as { marker?: string } | undefined)?.marker === marker, 10_000);
    const status = await postBroadcast(server, `account_${user.accountId}`, { type: 'fuzz_check', marker });
    if (status !== 201) return fail(`POST /_broadcast answered ${status}`);
    if (!(await delivered)) return fail('broadcast not delivered within 10 s');
    return { ok: true, ms: performance.now() - started, detail: 'welcome, confirm_subscription and broadcast received' };
  } finally {
    await socket.close();
  }
}
