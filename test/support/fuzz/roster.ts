// Which sockets a fuzz run keeps open (a permitted owner, a member, a zero-permission viewer and a worker, each on
// no sub-protocol, `actioncable-v1-json` or the ext protocol) and which of them a burst goes to.

import type { FuzzCast, FuzzIdentity } from './cast';
import type { FuzzBurst } from './frames';
import type { SocketSpec } from './fuzz-socket';

const EXT = 'actioncable-v1-ext-json' as const;
const JSON_V1 = 'actioncable-v1-json' as const;

/** The order sockets are handed out in: every role and protocol appears within the first eight. */
const ROSTER: ReadonlyArray<{ role: FuzzIdentity['role']; protocol?: SocketSpec['protocol'] }> = [
  { role: 'owner' },
  { role: 'viewer', protocol: EXT },
  { role: 'worker' },
  { role: 'member', protocol: JSON_V1 },
  { role: 'owner', protocol: EXT },
  { role: 'viewer' },
  { role: 'worker', protocol: EXT },
  { role: 'member' },
];

/** `count` socket specs, cycling through ROSTER and then through the accounts of the cast. */
export function rosterSpecs(cast: FuzzCast, count: number): SocketSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const slot = ROSTER[i % ROSTER.length] as (typeof ROSTER)[number];
    const account = cast.accountIds[Math.floor(i / ROSTER.length) % cast.accountIds.length];
    const identity = cast.identities.find((id) => id.role === slot.role && id.accountId === account) ?? cast.identities.find((id) => id.role === slot.role);
    if (!identity) throw new Error(`the cast has no ${slot.role}`);
    return { identity, protocol: slot.protocol };
  });
}

/** Whether a socket of `spec` is a fitting target for `burst`. */
export function fits(spec: SocketSpec, burst: FuzzBurst): boolean {
  if (burst.target === 'any') return true;
  if (burst.target === 'ext') return spec.protocol === EXT;
  return spec.identity.kind === burst.target;
}

/** Index of the socket a burst goes to: the `pick`-th fitting one (any socket when none fits). */
export function chooseSocket(specs: readonly SocketSpec[], burst: FuzzBurst, pick: number): number {
  const fitting = specs.map((s, i) => (fits(s, burst) ? i : -1)).filter((i) => i >= 0);
  const pool = fitting.length > 0 ? fitting : specs.map((_, i) => i);
  return pool[pick % pool.length] as number;
}
