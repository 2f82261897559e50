// The client address of a request: the TCP peer, unless the peer is a trusted proxy (CABLE_TRUSTED_PROXIES), in
// which case `X-Forwarded-For` is walked from the right past every trusted hop (as Rack's and nginx's
// real_ip_recursive do). Used for per-address limits and logs; never for authorization.

import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Which peers may name the client in `X-Forwarded-For`. */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly isEmpty: boolean;

  constructor(entries: readonly string[]) {
    this.isEmpty = entries.length === 0;
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(prefix), family);
    }
  }

  /** Whether `address` is one of the trusted proxies. */
  has(address: string): boolean {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** The address the request comes from, as far as the trusted proxies vouch for it. */
export function clientAddress(req: IncomingMessage, trusted: TrustedProxies): string {
  const peer = unmapped(req.socket.remoteAddress ?? '');
  if (trusted.isEmpty || !trusted.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => unmapped(h.trim())).filter((h) => isIP(h) !== 0);
  for (let i = hops.length - 1; i >= 0; i -= 1) if (!trusted.has(hops[i] as string)) return hops[i] as string;
  return hops[0] ?? peer;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`, so one client is one key whichever way the socket reports it. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
