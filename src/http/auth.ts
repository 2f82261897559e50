// Authorization of the operator endpoints (/_broadcast, /_disconnect): `Authorization: Bearer $BROADCAST_KEY`
// compared in constant time; without a configured key only loopback callers are accepted.

import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Throw 401 unless the request carries the broadcast key (or comes from loopback when no key is set). */
export function requireBroadcastKey(ctx: Context, key: string | undefined): void {
  if (!key) {
    if (!LOOPBACK.has(ctx.req.socket.remoteAddress ?? '')) ctx.throw(401, 'broadcast key required for non-loopback callers');
    return;
  }
  const header = ctx.get('authorization');
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  if (a.length !== b.length || !timingSafeEqual(a, b)) ctx.throw(401, 'invalid broadcast key');
}
