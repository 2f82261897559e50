// AddressLimits: concurrent sockets and the upgrade token bucket per client address.

import { AddressLimits } from '../../src/server/address-limits';

describe('AddressLimits', () => {
  it('caps concurrent sockets per address and frees a slot on release', () => {
    const limits = new AddressLimits({ maxConnectionsPerIp: 2, upgradeRatePerIp: 0, upgradeBurstPerIp: 1 });
    expect([limits.admit('a'), limits.admit('a'), limits.admit('a'), limits.admit('b')]).toEqual([undefined, undefined, 'connections', undefined]);
    limits.release('a');
    expect(limits.admit('a')).toBeUndefined();
    expect(limits.openFor('a')).toBe(2);
  });

  it('refills the bucket at the configured rate, up to the burst', () => {
    const limits = new AddressLimits({ maxConnectionsPerIp: 0, upgradeRatePerIp: 10, upgradeBurstPerIp: 3 });
    const at = (ms: number) => limits.admit('a', 1000 + ms);
    expect([at(0), at(0), at(0), at(0)]).toEqual([undefined, undefined, undefined, 'rate']);
    expect(at(100)).toBeUndefined(); // one token per 100 ms
    expect(at(100)).toBe('rate');
    expect([at(10_000), at(10_000), at(10_000), at(10_000)]).toEqual([undefined, undefined, undefined, 'rate']);
  });

  it('counts a refused attempt against neither the rate nor the open sockets of other addresses', () => {
    const limits = new AddressLimits({ maxConnectionsPerIp: 1, upgradeRatePerIp: 1, upgradeBurstPerIp: 1 });
    expect(limits.admit('a', 0)).toBeUndefined();
    expect(limits.admit('a', 0)).toBe('rate');
    expect(limits.admit('b', 0)).toBeUndefined();
  });

  it('forgets refilled buckets on sweep', () => {
    const limits = new AddressLimits({ maxConnectionsPerIp: 0, upgradeRatePerIp: 1, upgradeBurstPerIp: 1 });
    limits.admit('a', 0);
    limits.sweep(500);
    expect(limits.admit('a', 500)).toBe('rate'); // half a token: still remembered
    limits.sweep(5000);
    expect(limits.admit('a', 5000)).toBeUndefined();
  });
});
