// Deterministic demo ids: a UUID (version 5 layout) derived from a stable key, so seeded rows keep the same ids
// across runs and machines, and fixed timestamps so a second seed changes nothing.

import { createHash } from 'node:crypto';

const NAMESPACE = 'powernode-cable-demo';

/** A stable UUID for `key` (SHA-1 based, RFC 4122 version 5 bit layout). */
export function seedId(key: string): string {
  const hex = createHash('sha1').update(`${NAMESPACE}:${key}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** The demo clock's origin: every seeded timestamp is an offset from it. */
export const SEED_EPOCH = Date.parse('2026-03-01T09:00:00Z');

/** A fixed demo time `minutes` after SEED_EPOCH. */
export function seedTime(minutes: number): Date {
  return new Date(SEED_EPOCH + minutes * 60_000);
}

/** A far-future expiry for demo credentials that must stay valid. */
export const FAR_FUTURE = new Date('2099-12-31T23:59:59Z');

/** Key-scoped id maker: `ids('user:owner')` → seedId(`<scope>:user:owner`). */
export function scopedIds(scope: string): (key: string) => string {
  return (key) => seedId(`${scope}:${key}`);
}
