// The SSE encoding (AnyCable's sse/encoder.go for GET streams), event ids, the request → subscribe mapping
// (sse/sse.go) and the transport's answer before and after the subscription, without sockets.

import type { ServerResponse } from 'node:http';
import { dataFrame, dataFramePrefix, encodeDataWithPosition, encodeDisconnect, encodeSubscriptionFrame, pingFrame, positionTail, PreparedFrame, quoteIdentifier } from '../../src/protocol/codec';
import { readEventStreamRequest, subscribeCommand } from '../../src/server/sse';
import { eventId, eventOfFrame, formatEvent, NO_RECONNECT_RETRY_MS, parseEventId, parseFrame, SseTransport } from '../../src/server/sse-transport';

const ID = '{"channel":"ChatChannel","room":"a"}';
const QUOTED = quoteIdentifier(ID);

describe('formatEvent', () => {
  it('writes event, data, id and retry lines and the blank line that ends the event', () => {
    expect(formatEvent({ type: 'welcome', data: '{"type":"welcome"}' })).toBe('event: welcome\ndata: {"type":"welcome"}\n\n');
    expect(formatEvent({ data: '{"a":1}', id: '3/ep/chat' })).toBe('data: {"a":1}\nid: 3/ep/chat\n\n');
    expect(formatEvent({ type: 'disconnect', data: '{}', retry: 5 })).toBe('event: disconnect\ndata: {}\nretry: 5\n\n');
  });

  it('splits data on every line break, so no text can start a field of its own', () => {
    expect(formatEvent({ data: 'a\nevent: evil\r\nb\rc' })).toBe('data: a\ndata: event: evil\ndata: b\ndata: c\n\n');
  });
});

describe('event ids', () => {
  it('are <offset>/<epoch>/<stream>, and only for a usable position', () => {
    expect(eventId('chat/42', 'ep', 7)).toBe('7/ep/chat/42');
    expect(eventId('chat', 'ep', 0)).toBeUndefined();
    expect(eventId('chat', '', 1)).toBeUndefined();
    expect(eventId('line\nbreak', 'ep', 1)).toBeUndefined();
  });

  it('parse back with the stream holding slashes; anything else is not an id of ours', () => {
    expect(parseEventId('7/ep/chat/42')).toEqual({ stream: 'chat/42', position: { offset: 7, epoch: 'ep' } });
    for (const bad of ['', '7', '7/ep', '7/ep/', 'x/ep/chat', '-1/ep/chat', '7//chat']) expect(parseEventId(bad)).toBeUndefined();
  });
});

describe('frames as events', () => {
  const prefix = dataFramePrefix(QUOTED);

  it('a data frame is its message only, with the id of its position (from the frame data, not its text)', () => {
    expect(eventOfFrame(dataFrame(prefix, '{"n":1.0}', 'chat_a'))).toEqual({ data: '{"n":1.0}', id: undefined });
    const position = { offset: 4, epoch: 'ep' };
    expect(eventOfFrame(dataFrame(prefix, '[1,2]', 'chat_a', positionTail('chat_a', position)))).toEqual({ data: '[1,2]', id: '4/ep/chat_a' });
  });

  it('a string message is sent as its text; a message with line breaks in its JSON is still one event', () => {
    expect(eventOfFrame(dataFrame(prefix, '"hello\\nworld"', 'chat_a'))?.data).toBe('hello\nworld');
    const event = eventOfFrame(dataFrame(prefix, '{\n"a": 1\n}', 'chat_a'));
    expect(formatEvent(event as never)).toBe('data: {\ndata: "a": 1\ndata: }\n\n');
  });

  it('a frame with a type is an event of that type carrying the whole frame', () => {
    const ping = pingFrame(1700000000);
    expect(eventOfFrame(ping)).toEqual({ type: 'ping', data: ping.text });
    const presence = new PreparedFrame(`{"type":"presence","identifier":${QUOTED},"message":{"type":"join","id":"u1"}}`, QUOTED, 'chat_a');
    expect(eventOfFrame(presence)).toEqual({ type: 'presence', data: presence.text });
  });

  it('frames for one connection: protocol frames by type, a final disconnect with a year of retry, replayed messages with their id', () => {
    expect(parseFrame('{"type":"welcome","sid":"x"}')?.event).toEqual({ type: 'welcome', data: '{"type":"welcome","sid":"x"}' });
    expect(parseFrame(encodeSubscriptionFrame(QUOTED, 'confirm_subscription'))?.event.type).toBe('confirm_subscription');
    expect(parseFrame(encodeDisconnect('unauthorized', false))?.event.retry).toBe(NO_RECONNECT_RETRY_MS);
    expect(parseFrame(encodeDisconnect('server_restart', true))?.event.retry).toBeUndefined();
    expect(parseFrame(encodeDataWithPosition(QUOTED, '{"n":1.0}', 'chat_a', 'ep', 9))?.event).toEqual({ data: '{"n":1.0}', id: '9/ep/chat_a' });
    expect(parseFrame(`{"identifier":${QUOTED},"message":"hi"}`)?.event).toEqual({ data: 'hi', id: undefined });
    expect(parseFrame('not json')).toBeUndefined();
  });
});

describe('readEventStreamRequest', () => {
  const read = (query: string, headers: Record<string, string> = {}) => readEventStreamRequest(new URL(`http://x/events?${query}`), headers);

  it('takes the identifier, or builds one from channel (with its params), stream, signed_stream or turbo_signed_stream_name', () => {
    expect(read(`identifier=${encodeURIComponent(ID)}`)).toEqual({ identifier: ID, raw: false });
    expect(read('channel=ChatChannel&room=a&token=t&raw=1')).toEqual({ identifier: ID, raw: true });
    expect(read('stream=chat%2F42')).toMatchObject({ identifier: '{"channel":"$pubsub","stream_name":"chat/42"}' });
    expect(read('signed_stream=abc--sig')).toMatchObject({ identifier: '{"channel":"$pubsub","signed_stream_name":"abc--sig"}' });
    expect(read('turbo_signed_stream_name=abc--sig')).toMatchObject({ identifier: '{"channel":"Turbo::StreamsChannel","signed_stream_name":"abc--sig"}' });
    expect(typeof read('token=t')).toBe('string');
  });

  it('asks for history from Last-Event-ID (header first, then last_event_id) and history_since', () => {
    expect(read('channel=A', { 'last-event-id': '3/ep/chat' })).toMatchObject({ history: { streams: { chat: { offset: 3, epoch: 'ep' } } } });
    expect(read('channel=A&last_event_id=2%2Fep%2Fq', { 'last-event-id': '3/ep/chat' })).toMatchObject({ history: { streams: { chat: { offset: 3, epoch: 'ep' } } } });
    expect(read('channel=A&last_event_id=2%2Fep%2Fq')).toMatchObject({ history: { streams: { q: { offset: 2, epoch: 'ep' } } } });
    expect(read('channel=A&history_since=1700000000')).toMatchObject({ history: { since: 1700000000 } });
    expect(read('channel=A', { 'last-event-id': 'whatever' })).not.toHaveProperty('history');
    expect(typeof read('channel=A&history_since=-5')).toBe('string');
  });

  it('becomes the subscribe command an ext-protocol client would send', () => {
    const request = read('channel=A&history_since=10', { 'last-event-id': '3/ep/chat' });
    expect(JSON.parse(subscribeCommand(request as never))).toEqual({
      command: 'subscribe',
      identifier: '{"channel":"A"}',
      history: { since: 10, streams: { chat: { offset: 3, epoch: 'ep' } } },
    });
  });
});

/** A ServerResponse double recording what was answered. */
function fakeResponse() {
  const out = { status: 0, headers: {} as Record<string, unknown>, body: '', ended: false, destroyed: false, headersSent: false, writableLength: 0 };
  const res = {
    get headersSent() {
      return out.headersSent;
    },
    get destroyed() {
      return out.destroyed;
    },
    get writableLength() {
      return out.writableLength;
    },
    writeHead(status: number, headers: Record<string, unknown>) {
      out.status = status;
      out.headers = headers;
      out.headersSent = true;
      return res;
    },
    write(chunk: string) {
      out.body += chunk;
      return true;
    },
    flushHeaders() {},
    end(chunk?: string) {
      if (chunk) out.body += chunk;
      out.ended = true;
      return res;
    },
    destroy() {
      out.destroyed = true;
    },
  };
  return { res: res as unknown as ServerResponse, out };
}

describe('SseTransport', () => {
  const welcome = '{"type":"welcome","sid":"s"}';

  it('holds frames until the confirmation, then starts the 200 stream with them', () => {
    const { res, out } = fakeResponse();
    const t = new SseTransport(res, { raw: false, headers: { 'Access-Control-Allow-Origin': 'http://a' } });
    t.send(welcome);
    t.send(`{"identifier":${QUOTED},"message":"hello"}`);
    expect(out.status).toBe(0);
    expect(t.bufferedAmount).toBeGreaterThan(0);
    t.send(encodeSubscriptionFrame(QUOTED, 'confirm_subscription'));
    expect(out.status).toBe(200);
    expect(out.headers).toMatchObject({ 'Content-Type': 'text/event-stream; charset=utf-8', 'X-Accel-Buffering': 'no', 'Access-Control-Allow-Origin': 'http://a' });
    expect(out.body).toBe(`event: welcome\ndata: ${welcome}\n\ndata: hello\n\nevent: confirm_subscription\ndata: ${encodeSubscriptionFrame(QUOTED, 'confirm_subscription')}\n\n`);
    t.send(encodeDisconnect('remote', true));
    t.close(4000);
    expect(out.body.endsWith('event: disconnect\ndata: {"type":"disconnect","reason":"remote","reconnect":true}\n\n')).toBe(true);
    expect(out.ended).toBe(true);
  });

  it.each([
    ['unauthorized', 401],
    ['token_expired', 401],
    ['too_many_connections', 429],
    [null, 503],
  ] as const)('answers a disconnect (%s) before the confirmation with %i and nothing else', (reason, status) => {
    const { res, out } = fakeResponse();
    const t = new SseTransport(res, { raw: false, headers: {} });
    t.send(encodeDisconnect(reason, reason === null));
    t.close(1000);
    expect(out.status).toBe(status);
    expect(out.body).toBe('');
    expect(out.ended).toBe(true);
    if (status === 503 || status === 429) expect(out.headers['Retry-After']).toBe('1');
  });

  it('answers a rejection with 400 and ignores what comes after', () => {
    const { res, out } = fakeResponse();
    const t = new SseTransport(res, { raw: false, headers: {} });
    t.send(welcome);
    t.send(encodeSubscriptionFrame(QUOTED, 'reject_subscription'));
    t.sendFrame(pingFrame(1));
    t.close(1000);
    expect(out).toMatchObject({ status: 400, body: '', ended: true });
  });

  it('in raw mode writes data only, and the ping as a comment', () => {
    const { res, out } = fakeResponse();
    const t = new SseTransport(res, { raw: true, headers: {} });
    t.send(welcome);
    t.send(encodeSubscriptionFrame(QUOTED, 'confirm_subscription'));
    t.sendFrame(pingFrame(1));
    t.sendFrame(dataFrame(dataFramePrefix(QUOTED), '{"a":1}', 'chat_a'));
    expect(out.status).toBe(200);
    expect(out.body).toBe(': ping\n\ndata: {"a":1}\n\n');
  });
});
