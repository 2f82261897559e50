// Without BROADCAST_KEY the operator endpoints trust direct loopback callers only: a request carrying any header a
// proxy or CDN adds to name the original client is relayed, so it is refused (401) on both endpoints.

import { startTestCable, type TestCable } from '../support/test-cable';

const RELAY_HEADERS: Array<[string, string]> = [
  ['X-Forwarded-For', '203.0.113.7'],
  ['Forwarded', 'for=203.0.113.7'],
  ['X-Real-IP', '203.0.113.7'],
  ['X-Client-IP', '203.0.113.7'],
  ['True-Client-IP', '203.0.113.7'],
  ['CF-Connecting-IP', '203.0.113.7'],
  ['X-Original-Forwarded-For', '203.0.113.7'],
  ['Via', '1.1 proxy'],
  ['Fastly-Client-IP', '203.0.113.7'],
  ['X-Cluster-Client-IP', '203.0.113.7'],
  ['X-Forwarded-Host', 'example.com'],
];

let cable: TestCable;
beforeAll(async () => {
  cable = await startTestCable();
});
afterAll(async () => {
  await cable.stop();
});

const call = (route: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${cable.httpUrl}${route}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.status);

describe('operator endpoints without BROADCAST_KEY', () => {
  it('accept a direct loopback call', async () => {
    expect(await call('/_broadcast', { stream: 's', data: '{}' })).toBe(201);
    expect(await call('/_disconnect', { user_id: 'u' })).toBe(202);
  });

  it.each(RELAY_HEADERS)('refuse a request carrying %s (401 on /_broadcast and /_disconnect)', async (name, value) => {
    expect(await call('/_broadcast', { stream: 's', data: '{}' }, { [name]: value })).toBe(401);
    expect(await call('/_disconnect', { user_id: 'u' }, { [name]: value })).toBe(401);
  });
});

describe('/_broadcast body depth', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('refuses a body nested deeper than CABLE_MAX_JSON_DEPTH with 422 before parsing it', async () => {
    const res = await fetch(`${cable.httpUrl}/_broadcast`, { method: 'POST', body: `{"stream":"s","data":"x","pad":${deep(100)}}` });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'body nested deeper than 64' });
  });

  it('refuses publication data nested too deeply (422, nothing published) and accepts the limit itself', async () => {
    expect(await call('/_broadcast', [{ stream: 's', data: '{}' }, { stream: 's', data: deep(65) }])).toBe(422);
    expect(await call('/_broadcast', { stream: 's', data: deep(64) })).toBe(201);
  });
});
