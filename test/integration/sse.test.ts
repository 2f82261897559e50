// Server-sent events (CABLE_SSE) with a real EventSource client against a real server: AnyCable's encoding (protocol
// events by type, data frames as their message with `id: <offset>/<epoch>/<stream>`), 401 / 400 refusals, client
// abort running the unsubscribed hooks, Last-Event-ID resume through stream history (EventSource's own reconnect),
// history_since, raw streams, CORS, the shared per-address and per-user caps, token expiry and the graceful stop.

import { PubSubChannel } from '../../channels/streams/index';
import { signStreamName } from '../../src/channel/signed-streams';
import { openEventStream, type EventStream } from '../support/event-source';
import { startTestCable, type TestCable } from '../support/test-cable';
import { TEST_CHANNELS } from '../support/test-channels';
import { openRaw } from '../support/ws-client';
import { sleep, waitFor } from '../support/wait';

let cable: TestCable;
const streams: EventStream[] = [];

beforeAll(async () => {
  cable = await startTestCable({ CABLE_SSE: '1', CABLE_PING_INTERVAL_MS: '300' });
});
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
});
afterAll(async () => {
  await cable.stop();
});

function eventsUrl(server: TestCable, params: Record<string, string>): string {
  return `${server.httpUrl}/events?${new URLSearchParams(params)}`;
}

function open(url: string, headers: Record<string, string> = {}): EventStream {
  const s = openEventStream(url, headers);
  streams.push(s);
  return s;
}

async function broadcast(server: TestCable, stream: string, message: unknown): Promise<void> {
  const res = await fetch(`${server.httpUrl}/_broadcast`, { method: 'POST', body: JSON.stringify({ stream, data: JSON.stringify(message) }) });
  expect(res.status).toBe(201);
}

/** Read a raw response body until `done` says so (or the stream ends). */
async function readUntil(res: Response, done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!done(text) && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), sleep(deadline - Date.now()).then(() => ({ done: true, value: undefined }))]);
    if (chunk.value) text += decoder.decode(chunk.value, { stream: true });
    if (chunk.done) break;
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

describe('SSE: a subscription as an event stream', () => {
  it('sends welcome and confirm_subscription as events, then each broadcast as a message with its stream position', async () => {
    const s = open(eventsUrl(cable, { token: cable.userToken('sse-1'), channel: 'ChatChannel', room: 'sse1' }));
    const welcome = await s.next();
    expect(welcome.type).toBe('welcome');
    expect(JSON.parse(welcome.data)).toMatchObject({ type: 'welcome' });
    const confirm = await s.next();
    expect(confirm.type).toBe('confirm_subscription');
    expect(JSON.parse(confirm.data)).toEqual({ identifier: '{"channel":"ChatChannel","room":"sse1"}', type: 'confirm_subscription' });
    await broadcast(cable, 'chat_sse1', { text: 'hello', n: 1.5 });
    const message = await s.next();
    expect(message.type).toBe('message');
    expect(JSON.parse(message.data)).toEqual({ text: 'hello', n: 1.5 });
    expect(message.lastEventId).toMatch(/^1\/[\w-]+\/chat_sse1$/);
    await cable.cable.broadcast('chat_sse1', 'just text');
    const text = await s.next();
    expect(text.data).toBe('just text'); // a string message is sent as it is (AnyCable)
    expect(text.lastEventId).toMatch(/^2\//);
    // Pings are events too.
    expect((await s.next('ping')).data).toMatch(/^\{"type":"ping","message":\d+\}$/);
  });

  it('takes a whole identifier, or the token from Authorization: Bearer', async () => {
    const identifier = JSON.stringify({ channel: 'ChatChannel', room: 'sse2' });
    const s = open(eventsUrl(cable, { identifier }), { Authorization: `Bearer ${cable.userToken('sse-2')}` });
    await s.next('welcome');
    expect(JSON.parse((await s.next('confirm_subscription')).data).identifier).toBe(identifier);
  });

  it('sends what the channel transmits in subscribed before the confirmation, as messages', async () => {
    const s = open(eventsUrl(cable, { token: cable.userToken('sse-3'), channel: 'TransmitChannel' }));
    await s.next('confirm_subscription');
    expect(s.log.filter((e) => e.type !== 'ping').map((e) => (e.type === 'message' ? e.data : e.type))).toEqual(['welcome', 'hello', 'world', 'confirm_subscription']);
  });

  it('answers 401 without a valid credential and 400 for a rejected subscription or a request without a channel', async () => {
    expect(await open(eventsUrl(cable, { channel: 'ChatChannel', room: 'x' })).failure()).toBe(401);
    expect(await open(eventsUrl(cable, { token: 'not.a.jwt', channel: 'ChatChannel', room: 'x' })).failure()).toBe(401);
    const token = cable.userToken('sse-4');
    expect(await open(eventsUrl(cable, { token, channel: 'RejectChannel' })).failure()).toBe(400);
    expect(await open(eventsUrl(cable, { token, channel: 'NoSuchChannel' })).failure()).toBe(400);
    expect(await open(eventsUrl(cable, { token, channel: 'ChatChannel', room: 'not valid!' })).failure()).toBe(400);
    expect(await open(eventsUrl(cable, { token })).failure()).toBe(400);
    expect(await open(eventsUrl(cable, { token, channel: 'ChatChannel', room: 'x', history_since: 'yesterday' })).failure()).toBe(400);
    const res = await fetch(eventsUrl(cable, { token, channel: 'ChatChannel', room: 'x' }), { method: 'POST' });
    expect(res.status).toBe(405);
    // Nothing of the refused requests stays open.
    await waitFor(() => cable.cable.connectionCount === 0, 3000, 'refused connections to close');
  });

  it('closes the connection when the client goes away: unsubscribed hooks run and the metrics count it', async () => {
    await waitFor(() => cable.cable.connectionCount === 0, 3000, 'earlier streams to close');
    const watcher = open(eventsUrl(cable, { token: cable.userToken('sse-5a'), channel: 'PresenceChannel', id: 'p5' }));
    await watcher.next('confirm_subscription');
    const leaving = open(eventsUrl(cable, { token: cable.userToken('sse-5b'), channel: 'PresenceChannel', id: 'p5' }));
    await leaving.next('confirm_subscription');
    expect(cable.cable.connectionCount).toBe(2);
    expect(await cable.metrics.text()).toMatch(/cable_connections\{kind="user"\} 2/);
    leaving.close();
    expect(JSON.parse((await watcher.next('message')).data)).toEqual({ event: 'user left', id: 'p5' });
    await waitFor(() => cable.cable.connectionCount === 1, 3000, 'the aborted stream to close');
    expect(await cable.metrics.text()).toMatch(/cable_connections\{kind="user"\} 1/);
  });

  it('resumes after a remote disconnect through EventSource reconnecting with Last-Event-ID', async () => {
    const s = open(eventsUrl(cable, { token: cable.userToken('sse-6', { expiresInSeconds: 600 }), channel: 'ChatChannel', room: 'sse6' }));
    await s.next('confirm_subscription');
    await broadcast(cable, 'chat_sse6', { n: 1 });
    const first = await s.next('message');
    const res = await fetch(`${cable.httpUrl}/_disconnect`, { method: 'POST', body: JSON.stringify({ user_id: 'sse-6', reconnect: true }) });
    expect(res.status).toBe(202);
    expect(JSON.parse((await s.next('disconnect')).data)).toEqual({ type: 'disconnect', reason: 'remote', reconnect: true });
    await waitFor(() => cable.cable.connectionCount === 0, 3000, 'the stream to end');
    // Missed while away (the stream keeps its history after its last subscriber left).
    await broadcast(cable, 'chat_sse6', { n: 2 });
    await broadcast(cable, 'chat_sse6', { n: 3 });
    // EventSource comes back by itself (3 s) and sends the id of the last message it saw.
    await s.next('welcome', 8000);
    await s.next('confirm_subscription');
    const replayed = [await s.next('message'), await s.next('message')];
    expect(replayed.map((e) => JSON.parse(e.data))).toEqual([{ n: 2 }, { n: 3 }]);
    expect(replayed.map((e) => e.lastEventId.split('/')[0])).toEqual(['2', '3']);
    expect(replayed[0]?.lastEventId.split('/')[1]).toBe(first.lastEventId.split('/')[1]);
    expect(JSON.parse((await s.next('confirm_history')).data).type).toBe('confirm_history');
    // Live again.
    await broadcast(cable, 'chat_sse6', { n: 4 });
    expect(JSON.parse((await s.next('message')).data)).toEqual({ n: 4 });
    expect(s.opens).toBe(2);
  }, 20000);

  it('resumes from last_event_id in the query (a new EventSource, e.g. with a fresh token) and rejects an unknown position', async () => {
    const token = cable.userToken('sse-7');
    const s = open(eventsUrl(cable, { token, channel: 'ChatChannel', room: 'sse7' }));
    await s.next('confirm_subscription');
    await broadcast(cable, 'chat_sse7', { n: 1 });
    const seen = (await s.next('message')).lastEventId;
    s.close();
    await waitFor(() => cable.cable.connectionCount === 0, 3000, 'the stream to close');
    await broadcast(cable, 'chat_sse7', { n: 2 });
    const again = open(eventsUrl(cable, { token, channel: 'ChatChannel', room: 'sse7', last_event_id: seen }));
    await again.next('confirm_subscription');
    expect(JSON.parse((await again.next('message')).data)).toEqual({ n: 2 });
    await again.next('confirm_history');
    const stale = open(eventsUrl(cable, { token, channel: 'ChatChannel', room: 'sse7', last_event_id: '1/another-epoch/chat_sse7' }));
    await stale.next('confirm_subscription');
    expect(JSON.parse((await stale.next('reject_history')).data).type).toBe('reject_history');
  });

  it('replays the history since a time with history_since', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const warm = open(eventsUrl(cable, { token: cable.userToken('sse-8'), channel: 'ChatChannel', room: 'sse8' }));
    await warm.next('confirm_subscription');
    await broadcast(cable, 'chat_sse8', { n: 1 });
    await broadcast(cable, 'chat_sse8', { n: 2 });
    await warm.next('message');
    await warm.next('message');
    const s = open(eventsUrl(cable, { token: cable.userToken('sse-8'), channel: 'ChatChannel', room: 'sse8', history_since: since }));
    await s.next('welcome');
    await s.next('confirm_subscription');
    expect([JSON.parse((await s.next()).data), JSON.parse((await s.next()).data)]).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await s.next()).type).toBe('confirm_history');
  });

  it('sends only data with raw=1 (pings become comment lines)', async () => {
    const res = await fetch(eventsUrl(cable, { token: cable.userToken('sse-9'), channel: 'ChatChannel', room: 'sse9', raw: '1' }));
    expect(res.status).toBe(200);
    setTimeout(() => void broadcast(cable, 'chat_sse9', { raw: true }), 50);
    const text = await readUntil(res, (t) => t.includes('data: {"raw":true}') && t.includes(': ping'));
    expect(text).not.toMatch(/^event:/m);
    expect(text).toMatch(/^data: \{"raw":true\}\nid: 1\/[\w-]+\/chat_sse9\n\n/m);
  });

  it('answers with the stream headers AnyCable sends, and CORS for allowed origins only', async () => {
    const token = cable.userToken('sse-10');
    const url = eventsUrl(cable, { token, channel: 'ChatChannel', room: 'sse10' });
    const res = await fetch(url, { headers: { Origin: 'http://localhost:5173' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/no-cache/);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    await res.body?.cancel();
    const foreign = await fetch(url, { headers: { Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Headers': 'authorization' } });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect((await fetch(url, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } })).status).toBe(403);
  });

  it('ends the stream with a final disconnect (retry of a year) when the token expires', async () => {
    const res = await fetch(eventsUrl(cable, { token: cable.userToken('sse-11', { expiresInSeconds: 1 }), channel: 'ChatChannel', room: 'sse11' }));
    expect(res.status).toBe(200);
    const text = await readUntil(res, (t) => t.includes('event: disconnect'), 5000);
    expect(text).toContain('event: disconnect\ndata: {"type":"disconnect","reason":"token_expired","reconnect":false}\nretry: 31536000000\n\n');
  });
});

describe('SSE: settings, limits and the graceful stop', () => {
  it('is off by default (the path is the HTTP app’s 404)', async () => {
    const plain = await startTestCable();
    try {
      const res = await fetch(eventsUrl(plain, { token: plain.userToken(), channel: 'ChatChannel', room: 'x' }));
      expect(res.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });

  it('serves CABLE_SSE_PATH and shares the per-address cap with WebSocket clients (429)', async () => {
    const capped = await startTestCable({ CABLE_SSE: 'true', CABLE_SSE_PATH: '/sse', CABLE_MAX_CONNECTIONS_PER_IP: '2' });
    try {
      const token = capped.userToken();
      const url = `${capped.httpUrl}/sse?${new URLSearchParams({ token, channel: 'ChatChannel', room: 'cap' })}`;
      const ws = await openRaw(capped.urlFor(token));
      const first = open(url);
      await first.next('confirm_subscription');
      expect(await open(url).failure()).toBe(429);
      ws.close();
      await ws.closed;
      await waitFor(() => capped.cable.connectionCount === 1, 3000, 'the socket to close');
      const second = open(url);
      await second.next('confirm_subscription');
      first.close();
      second.close();
    } finally {
      await capped.stop();
    }
  });

  it('follows $pubsub streams by name (stream=, with public streams on) or by signed name (signed_stream=)', async () => {
    const secret = 'sse-streams-secret-0123456789';
    const streamsCable = await startTestCable(
      { CABLE_SSE: '1' },
      { channels: [...TEST_CHANNELS, PubSubChannel], services: { streams: { secret, public: true, whisper: false, presence: false } } },
    );
    try {
      const token = streamsCable.userToken();
      const plain = open(eventsUrl(streamsCable, { token, stream: 'chat/42' }));
      expect(JSON.parse((await plain.next('confirm_subscription')).data).identifier).toBe('{"channel":"$pubsub","stream_name":"chat/42"}');
      const signed = open(eventsUrl(streamsCable, { token, signed_stream: signStreamName(secret, 'chat/42') }));
      await signed.next('confirm_subscription');
      await broadcast(streamsCable, 'chat/42', { text: 'to both' });
      for (const s of [plain, signed]) {
        const message = await s.next('message');
        expect(JSON.parse(message.data)).toEqual({ text: 'to both' });
        expect(message.lastEventId).toMatch(/^1\/[\w-]+\/chat\/42$/);
      }
      expect(await open(eventsUrl(streamsCable, { token, signed_stream: 'forged--name' })).failure()).toBe(400);
    } finally {
      await streamsCable.stop();
    }
  });

  it('applies the per-user cap (429)', async () => {
    const capped = await startTestCable({ CABLE_SSE: '1', CABLE_MAX_CONNECTIONS_PER_USER: '1' });
    try {
      const url = eventsUrl(capped, { token: capped.userToken('one'), channel: 'ChatChannel', room: 'cap' });
      await open(url).next('confirm_subscription');
      expect(await open(url).failure()).toBe(429);
    } finally {
      await capped.stop();
    }
  });

  it('a graceful stop sends server_restart, ends the stream and runs the unsubscribed hooks', async () => {
    const stopping = await startTestCable({ CABLE_SSE: '1' });
    const s = open(eventsUrl(stopping, { token: stopping.userToken('leaver'), channel: 'PresenceChannel', id: 'stop' }));
    await s.next('confirm_subscription');
    let left = 0;
    const unsubscribed = stopping.pubsub.subscribe('presence_stop', () => void (left += 1));
    await unsubscribed;
    const stopped = stopping.stop();
    expect(JSON.parse((await s.next('disconnect')).data)).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
    await stopped;
    expect(left).toBe(1);
    expect(stopping.cable.connectionCount).toBe(0);
  });
});
