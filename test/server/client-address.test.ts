// clientAddress / TrustedProxies: X-Forwarded-For is believed only from trusted peers, walked from the right.

import type { IncomingMessage } from 'node:http';
import { clientAddress, TrustedProxies } from '../../src/server/client-address';

const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);

  it('is the peer when no proxy is trusted, whatever the headers say', () => {
    expect(clientAddress(req('198.51.100.7', '203.0.113.1'), new TrustedProxies([]))).toBe('198.51.100.7');
  });

  it('is the peer when the peer is not a trusted proxy', () => {
    expect(clientAddress(req('198.51.100.7', '203.0.113.1'), proxies)).toBe('198.51.100.7');
  });

  it('is the rightmost untrusted hop of X-Forwarded-For behind trusted proxies', () => {
    expect(clientAddress(req('10.0.0.2', '6.6.6.6, 203.0.113.1, 10.9.9.9'), proxies)).toBe('203.0.113.1');
    expect(clientAddress(req('::ffff:127.0.0.1', '203.0.113.9'), proxies)).toBe('203.0.113.9');
    expect(clientAddress(req('fd00::1', '2001:db8::5'), proxies)).toBe('2001:db8::5');
  });

  it('falls back to the leftmost hop when every hop is trusted, and to the peer without a usable header', () => {
    expect(clientAddress(req('10.0.0.2', '10.1.1.1, 10.2.2.2'), proxies)).toBe('10.1.1.1');
    expect(clientAddress(req('10.0.0.2', 'garbage'), proxies)).toBe('10.0.0.2');
    expect(clientAddress(req('10.0.0.2'), proxies)).toBe('10.0.0.2');
  });

  it('reports IPv4-mapped IPv6 peers as IPv4', () => {
    expect(clientAddress(req('::ffff:198.51.100.7'), proxies)).toBe('198.51.100.7');
  });
});
