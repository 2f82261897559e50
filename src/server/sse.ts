// Server-sent events, as AnyCable serves them (anycable-go sse/handler.go, sse/sse.go): `GET <CABLE_SSE_PATH>` with
// the channel in the query becomes one connection with one subscription, streamed as `text/event-stream` by an
// SseTransport. The request is read here (identifier, history, raw mode, CORS); admission (draining, origin,
// per-address limits), authentication, the connection and its metrics are the cable server's, shared with WebSocket
// clients. EventSource cannot send commands: the stream is receive-only.

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { HistoryRequest } from '../protocol/messages';
import { parseEventId } from './sse-transport';

/** AnyCable's signed/public streams channel and Turbo's (their subscriptions need those channels registered). */
const PUBSUB_CHANNEL = '$pubsub';
const TURBO_CHANNEL = 'Turbo::StreamsChannel';

/** Query parameters with a meaning of their own; the others are params of a `channel=` identifier. */
const RESERVED = new Set(['identifier', 'channel', 'stream', 'signed_stream', 'turbo_signed_stream_name', 'history_since', 'last_event_id', 'token', 'raw', 'sid']);

/** What an event-stream request asks for. */
export interface EventStreamRequest {
  /** The identifier to subscribe. */
  identifier: string;
  /** Stream history to replay after the confirmation (`Last-Event-ID`, `history_since`). */
  history?: HistoryRequest;
  /** Only data events (`?raw=1`). */
  raw: boolean;
}

const TRUE = new Set(['1', 'true', 't', 'y', 'yes']);

/**
 * The subscription a request asks for (AnyCable's subscribeCommandFromGetRequest): `identifier` (a whole identifier),
 * else `channel` (with the other, non-reserved parameters as its params: an extension of AnyCable's, which sends the
 * channel name alone), else `stream` / `signed_stream` (`$pubsub`), else `turbo_signed_stream_name`; history from
 * `Last-Event-ID` (header, or `last_event_id` for a client that cannot set headers) and `history_since` (unix seconds).
 * A string is the reason the request is refused with 400.
 */
export function readEventStreamRequest(url: URL, headers: IncomingMessage['headers']): EventStreamRequest | string {
  const q = url.searchParams;
  const identifier = identifierOf(q);
  if (identifier === undefined) return 'no channel: give identifier, channel, stream, signed_stream or turbo_signed_stream_name';
  const history: HistoryRequest = {};
  const lastId = headerValue(headers['last-event-id']) ?? q.get('last_event_id') ?? '';
  const resume = lastId === '' ? undefined : parseEventId(lastId);
  // An id this server did not write (or from before history) is ignored, as AnyCable does.
  if (resume) history.streams = { [resume.stream]: resume.position };
  const since = q.get('history_since');
  if (since !== null && since !== '') {
    if (!/^\d{1,12}$/.test(since)) return 'history_since must be unix seconds';
    if (Number(since) > 0) history.since = Number(since);
  }
  const asked = history.streams !== undefined || history.since !== undefined;
  return { identifier, raw: TRUE.has((q.get('raw') ?? '').toLowerCase()), ...(asked && { history }) };
}

function identifierOf(q: URLSearchParams): string | undefined {
  const identifier = q.get('identifier');
  if (identifier) return identifier;
  const channel = q.get('channel');
  if (channel) {
    const params: Record<string, string> = { channel };
    for (const [key, value] of q) if (!RESERVED.has(key) && !(key in params)) params[key] = value;
    return JSON.stringify(params);
  }
  const stream = q.get('stream');
  if (stream) return JSON.stringify({ channel: PUBSUB_CHANNEL, stream_name: stream });
  const signed = q.get('signed_stream');
  if (signed) return JSON.stringify({ channel: PUBSUB_CHANNEL, signed_stream_name: signed });
  const turbo = q.get('turbo_signed_stream_name');
  if (turbo) return JSON.stringify({ channel: TURBO_CHANNEL, signed_stream_name: turbo });
  return undefined;
}

/** The `subscribe` command the connection runs for `request` (the history goes with it, as an ext-protocol client sends it). */
export function subscribeCommand(request: EventStreamRequest): string {
  return JSON.stringify({ command: 'subscribe', identifier: request.identifier, ...(request.history && { history: request.history }) });
}

/** CORS headers for an allowed `origin` (EventSource with `withCredentials` needs the credentials one); none without an Origin. */
export function corsHeaders(origin: string | undefined): OutgoingHttpHeaders {
  if (!origin) return {};
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
}

/** The answer to a CORS preflight from an allowed origin (a fetch-based client that sends `Authorization`). */
export function preflightHeaders(origin: string | undefined): OutgoingHttpHeaders {
  return {
    ...corsHeaders(origin),
    'Access-Control-Allow-Methods': 'GET, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, Last-Event-ID, Cache-Control, Accept, Content-Type, X-Requested-With',
    'Access-Control-Max-Age': '600',
  };
}

/** A short plain-text answer that ends the request. */
export function answer(res: ServerResponse, status: number, body = '', headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store' }).end(body);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
