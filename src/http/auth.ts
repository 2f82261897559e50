// Authorization of the operator endpoints (/_broadcast, /_disconnect): `Authorization: Bearer $BROADCAST_KEY`
// compared in constant time; without a configured key only loopback callers are accepted.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** Headers proxies and CDNs add to name the original client (or the hop itself): any of them means "relayed". */
const RELAY_HEADERS = [
  'forwarded', 'via', 'x-real-ip', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip', 'fastly-client-ip',
  'x-cluster-client-ip', 'x-original-forwarded-for', 'forwarded-for', 'x-forwarded', 'x-proxyuser-ip', 'client-ip',
];

/** Whether a request header shows it was relayed: a known relay header or any `X-Forwarded-*`. */
function isRelayed(headers: Record<string, unknown>): boolean {
  return Object.keys(headers).some((name) => name.startsWith('x-forwarded-') || RELAY_HEADERS.includes(name));
}

/** A direct loopback caller: from 127.0.0.1/::1 and not relayed by a proxy (which would make anyone "local"). */
function isDirectLoopback(ctx: Context): boolean {
  return LOOPBACK.has(ctx.req.socket.remoteAddress ?? '') && !isRelayed(ctx.req.headers);
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Throw 401 unless the request carries the broadcast key (or is a direct loopback call when no key is set). */
export function requireBroadcastKey(ctx: Context, key: string | undefined): void {
  if (!key) {
    if (!isDirectLoopback(ctx)) ctx.throw(401, 'broadcast key required for non-loopback or proxied callers');
    return;
  }
  requireBearer(ctx, key, 'invalid broadcast key');
}

/** Throw 401 unless `Authorization: Bearer <key>` carries exactly `key` (compared in constant time). */
export function requireBearer(ctx: Context, key: string, message: string): void {
  const header = ctx.get('authorization');
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  // Digests have equal length, so the comparison leaks neither the key nor its length.
  if (!timingSafeEqual(digest(given), digest(key))) ctx.throw(401, message);
}
