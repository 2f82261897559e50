// GET /metrics: prom-client's default process metrics plus the cable's own figures, counted from real traffic;
// METRICS_KEY protects the endpoint; README documents every metric name the server exports.

import fs from 'node:fs';
import path from 'node:path';
import { openRaw } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';
import { waitFor } from '../support/wait';

const chat = (room: string) => JSON.stringify({ channel: 'ChatChannel', room });

/** `name{labels} value` lines of a scrape as a map. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('GET /metrics', () => {
  let cable: TestCable;
  beforeAll(async () => {
    cable = await startTestCable({ CABLE_MAX_STREAMS: '2' });
  });
  afterAll(async () => {
    await cable.stop();
  });
  const scrape = async () => samples(await (await fetch(`${cable.httpUrl}/metrics`)).text());

  it('exports the default process metrics', async () => {
    const res = await fetch(`${cable.httpUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const types = [...(await res.text()).matchAll(/^# TYPE (\w+) /gm)].map((m) => m[1]);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds']) expect(types).toContain(name);
  });

  it('counts connections, subscriptions, commands, broadcasts, deliveries, bytes, rejections, auth failures and disconnects', async () => {
    const before = await scrape();
    const c = await openRaw(cable.urlFor(cable.userToken('metrics-user')));
    await c.next((f) => f.type === 'welcome');
    c.send({ command: 'subscribe', identifier: chat('m') });
    await c.next((f) => f.type === 'confirm_subscription');
    c.send({ command: 'subscribe', identifier: chat('too-many') }); // CABLE_MAX_STREAMS=2: ChatChannel holds two streams
    await c.next((f) => f.type === 'reject_subscription');
    c.send('{not json');
    await fetch(`${cable.httpUrl}/_broadcast`, { method: 'POST', body: JSON.stringify({ stream: 'chat_m', data: '{"n":1}' }) });
    await c.next((f) => f.message !== undefined);
    const bad = await openRaw(`${cable.url}?token=not.a.jwt`);
    await bad.closed;
    const during = await scrape();
    const delta = (key: string) => (during.get(key) ?? 0) - (before.get(key) ?? 0);
    expect(during.get('cable_connections{kind="user"}')).toBe(1);
    expect(during.get('cable_identities')).toBe(1);
    expect(during.get('cable_subscriptions{channel="ChatChannel"}')).toBe(1);
    expect(during.get('cable_streams')).toBe(3); // chat_m, extra_m and the connection's internal action_cable/<id> stream
    expect(delta('cable_client_commands_total{command="subscribe"}')).toBe(2);
    expect(delta('cable_client_commands_total{command="invalid"}')).toBe(1);
    expect(delta('cable_command_failures_total{code="CABLE_MALFORMED_COMMAND"}')).toBe(1);
    expect(delta('cable_command_failures_total{code="CABLE_TOO_MANY_STREAMS"}')).toBe(1);
    expect(delta('cable_rejected_subscriptions_total{channel="ChatChannel"}')).toBe(1);
    expect(delta('cable_broadcasts_total{source="http"}')).toBe(1);
    expect(delta('cable_broadcasts_total{source="pubsub"}')).toBe(1);
    expect(delta('cable_deliveries_total')).toBe(1);
    expect(delta('cable_auth_failures_total{reason="malformed"}')).toBe(1);
    expect(delta('cable_disconnects_total{reason="unauthorized"}')).toBe(1);
    expect(delta('cable_bytes_received_total')).toBeGreaterThan(50);
    expect(delta('cable_bytes_sent_total')).toBeGreaterThan(100);
    expect(delta('cable_subscribe_seconds_count')).toBe(2);
    expect(delta('cable_auth_seconds_count')).toBe(1);
    expect(delta('cable_broadcast_fanout_seconds_count')).toBe(1);
    c.close();
    await c.closed;
    await waitFor(async () => (await scrape()).get('cable_subscriptions{channel="ChatChannel"}') === 0, 3000, 'the subscription gauge to drop');
    expect((await scrape()).get('cable_connections{kind="user"}')).toBe(0);
  });
});

describe('METRICS_KEY', () => {
  it('requires the bearer key when set', async () => {
    const cable = await startTestCable({ METRICS_KEY: 'scrape-key-123' });
    try {
      expect((await fetch(`${cable.httpUrl}/metrics`)).status).toBe(401);
      expect((await fetch(`${cable.httpUrl}/metrics`, { headers: { Authorization: 'Bearer wrong-key-456' } })).status).toBe(401);
      expect((await fetch(`${cable.httpUrl}/metrics`, { headers: { Authorization: 'Bearer scrape-key-123' } })).status).toBe(200);
    } finally {
      await cable.stop();
    }
  });
});

describe('README', () => {
  it('documents every cable_* metric the server exports', async () => {
    const cable = await startTestCable();
    try {
      const text = await (await fetch(`${cable.httpUrl}/metrics`)).text();
      const names = [...new Set([...text.matchAll(/^# TYPE (cable_\w+) /gm)].map((m) => m[1] as string))];
      const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
      expect(names.length).toBeGreaterThan(15);
      expect(names.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
    } finally {
      await cable.stop();
    }
  });
});
