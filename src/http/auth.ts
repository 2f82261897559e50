// Authorization of the operator endpoints (/_broadcast, /_disconnect): `Authorization: Bearer $BROADCAST_KEY`
// compared in constant time; without a configured key only loopback callers are accepted.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDED = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** A direct loopback caller: from 127.0.0.1/::1 and not relayed by a proxy (which would make anyone "local"). */
function isDirectLoopback(ctx: Context): boolean {
  return LOOPBACK.has(ctx.req.socket.remoteAddress ?? '') && FORWARDED.every((h) => ctx.get(h) === '');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Throw 401 unless the request carries the broadcast key (or is a direct loopback call when no key is set). */
export function requireBroadcastKey(ctx: Context, key: string | undefined): void {
  if (!key) {
    if (!isDirectLoopback(ctx)) ctx.throw(401, 'broadcast key required for non-loopback or proxied callers');
    return;
  }
  const header = ctx.get('authorization');
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  // Digests have equal length, so the comparison leaks neither the key nor its length.
  if (!timingSafeEqual(digest(given), digest(key))) ctx.throw(401, 'invalid broadcast key');
}
