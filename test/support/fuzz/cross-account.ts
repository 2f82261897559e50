// Account isolation as a fuzz property: a confirmed subscription whose channel params name only another account's
// resources (and none of the caller's own) means the server authorized across accounts. Params outside the
// channel's schema are ignored by the server and therefore here too.

import type { FuzzCast } from './cast';
import type { ChannelShape } from './catalog';
import type { FuzzSocket } from './fuzz-socket';

/** The schema params of a confirmed `identifier` that name another account's resource, when none names the caller's own. */
export function foreignParams(identifier: string, accountId: string, cast: FuzzCast, catalog: readonly ChannelShape[]): string[] {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(identifier) as Record<string, unknown>;
  } catch {
    return [];
  }
  const channel = catalog.find((c) => c.channel === parsed.channel);
  if (!channel) return [];
  const ownerOf = (value: unknown) => (typeof value === 'string' ? cast.owners.get(value.toLowerCase()) : undefined);
  const owned = channel.params.map((p) => [p.key, ownerOf(parsed[p.key])] as const).filter(([, owner]) => owner !== undefined);
  if (owned.some(([, owner]) => owner === accountId)) return [];
  return owned.map(([key]) => key);
}

/** The subscriptions `socket` had confirmed since the last call that cross accounts, described for a finding. */
export function crossAccountConfirmations(socket: FuzzSocket, cast: FuzzCast, catalog: readonly ChannelShape[]): string[] {
  const accountId = socket.spec.identity.accountId;
  return socket.drainConfirmations().flatMap((identifier) => {
    const keys = foreignParams(identifier, accountId, cast, catalog);
    return keys.length > 0 ? [`${socket.spec.identity.label} (account ${accountId}) was confirmed ${identifier} — ${keys.join(', ')} of another account`] : [];
  });
}
