// SseTransport: a Connection's Transport over one `text/event-stream` response, encoding frames as AnyCable's SSE
// encoder does for GET requests (anycable-go sse/encoder.go): a frame with a `type` becomes `event: <type>` with the
// whole frame as data; a data frame becomes plain `data:` carrying only its message (a string message as it is), with
// `id: <offset>/<epoch>/<stream>` when it has a stream position; a final disconnect adds `retry: <one year>` so
// EventSource does not come back on its own. With `raw` only data frames are written (and the ping as a `: ping`
// comment, so proxies keep an idle stream open).
//
// Until the subscription is answered nothing is sent: frames wait in a backlog, and the answer decides the status
// (AnyCable's handler): the confirmation starts the `200` stream with the backlog, a rejection is `400`, a disconnect
// before it is `401` (unauthorized), `429` (too many connections) or `503` (credential not checkable, draining).

import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Transport } from '../connection/types';
import type { IoCounters } from '../metrics/metrics';
import { positionTail, railsJson, type PreparedFrame } from '../protocol/codec';
import { EXT_PROTOCOL, type StreamPosition } from '../protocol/messages';

/** `retry:` of a final disconnect: a year, so EventSource does not reconnect (AnyCable's retryNoReconnect). */
export const NO_RECONNECT_RETRY_MS = 31_536_000_000;

/** One server-sent event. */
export interface SseEvent {
  /** `event:` (absent: the default `message` event). */
  type?: string;
  data: string;
  id?: string;
  retry?: number;
}

/** A field value that cannot break out of its line (a stream name is client-chosen for `$pubsub`). */
const SAFE_FIELD = /^[^\r\n\0]*$/;

/** The wire text of `event`: its fields, data split into one `data:` line per line, and the blank line that ends it. */
export function formatEvent(event: SseEvent): string {
  let out = event.type !== undefined && SAFE_FIELD.test(event.type) ? `event: ${event.type}\n` : '';
  out += `data: ${event.data.replace(/\r\n|\r|\n/g, '\ndata: ')}\n`;
  if (event.id !== undefined) out += `id: ${event.id}\n`;
  if (event.retry !== undefined) out += `retry: ${event.retry}\n`;
  return `${out}\n`;
}

/** The event id of a stream position (`<offset>/<epoch>/<stream>`, AnyCable's), or undefined when it cannot be one. */
export function eventId(stream: unknown, epoch: unknown, offset: unknown): string | undefined {
  if (typeof stream !== 'string' || typeof epoch !== 'string' || typeof offset !== 'number' || offset <= 0 || epoch === '' || stream === '') return undefined;
  const id = `${offset}/${epoch}/${stream}`;
  return SAFE_FIELD.test(id) ? id : undefined;
}

/** A `Last-Event-ID` back into the stream and its position (`<offset>/<epoch>/<stream>`; the stream may hold `/`). */
export function parseEventId(id: string): { stream: string; position: StreamPosition } | undefined {
  const first = id.indexOf('/');
  const second = first < 0 ? -1 : id.indexOf('/', first + 1);
  if (second < 0) return undefined;
  const offset = id.slice(0, first);
  if (!/^\d{1,15}$/.test(offset)) return undefined;
  const epoch = id.slice(first + 1, second);
  const stream = id.slice(second + 1);
  if (epoch === '' || stream === '') return undefined;
  return { stream, position: { offset: Number(offset), epoch } };
}

/** The message of a data frame as an event's data: a JSON string message as its text, anything else as JSON. */
function messageData(json: string): string {
  if (json.startsWith('"')) {
    try {
      return JSON.parse(json) as string;
    } catch {
      return json;
    }
  }
  return json;
}

/** The event of a frame given as text and its parsed value (frames for this connection only, shared frames of other shapes). */
function eventOfObject(text: string, frame: Record<string, unknown>): SseEvent {
  const type = frame.type;
  if (typeof type === 'string' && type !== '') {
    return type === 'disconnect' && frame.reconnect === false ? { type, data: text, retry: NO_RECONNECT_RETRY_MS } : { type, data: text };
  }
  const id = eventId(frame.stream_id, frame.epoch, frame.offset);
  const sliced = typeof frame.identifier === 'string' ? sliceMessage(text, railsJson(frame.identifier), id ? (frame.stream_id as string) : undefined, id ? { offset: frame.offset as number, epoch: frame.epoch as string } : undefined) : undefined;
  return { data: messageData(sliced ?? railsJson(frame.message)), id };
}

/**
 * The message text of `{"identifier":<quoted>,"message":<message>}` (with the position tail when positioned) cut out
 * of the frame as the codec built it, so numbers such as `1.0` pass unchanged; undefined when the text has another shape.
 */
function sliceMessage(text: string, quotedIdentifier: string, stream?: string, position?: StreamPosition): string | undefined {
  const prefix = `{"identifier":${quotedIdentifier},"message":`;
  const tail = stream !== undefined && position ? positionTail(stream, position).text : '}';
  if (text.length <= prefix.length + tail.length || !text.startsWith(prefix) || !text.endsWith(tail)) return undefined;
  return text.slice(prefix.length, text.length - tail.length);
}

/** A frame written for this connection only, parsed: its event and fields; undefined when it is not a JSON object (never sent). */
export function parseFrame(text: string): { event: SseEvent; frame: Record<string, unknown> } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const frame = value as Record<string, unknown>;
  return { event: eventOfObject(text, frame), frame };
}

/** Encoded shared frames: the hub writes one frame to every session of an identifier, so each is encoded once. */
interface Encoded {
  chunk: string;
  /** Whether the frame has a `type` (left out of raw streams). */
  typed: boolean;
}
const encodedFrames = new WeakMap<PreparedFrame, Encoded | null>();

/** The event of a frame shared by many sessions, from the data it carries (identifier, stream, position) when it is a data frame. */
export function eventOfFrame(frame: PreparedFrame): SseEvent | undefined {
  if (frame.identifier !== undefined && frame.stream !== undefined) {
    const message = sliceMessage(frame.text, frame.identifier, frame.stream, frame.position);
    if (message !== undefined) return { data: messageData(message), id: frame.position && eventId(frame.stream, frame.position.epoch, frame.position.offset) };
  }
  return parseFrame(frame.text)?.event;
}

function encodeFrame(frame: PreparedFrame): Encoded | null {
  let encoded = encodedFrames.get(frame);
  if (encoded === undefined) {
    const event = eventOfFrame(frame);
    encoded = event ? { chunk: formatEvent(event), typed: event.type !== undefined } : null;
    encodedFrames.set(frame, encoded);
  }
  return encoded;
}

/** How the answer before the stream starts is chosen from a disconnect (see the header comment). */
function refusalStatus(reason: unknown): number {
  if (reason === 'unauthorized' || reason === 'token_expired') return 401;
  if (reason === 'too_many_connections') return 429;
  if (reason === null || reason === 'server_restart') return 503;
  return 400;
}

/** What an SseTransport writes with. */
export interface SseTransportOptions {
  /** Only data frames (`?raw=1`); protocol events are left out and pings become `: ping` comments. */
  raw: boolean;
  /** Headers of every answer (CORS). */
  headers: OutgoingHttpHeaders;
  /** Byte counters shared with the WebSocket transports (metrics). */
  io?: IoCounters;
}

/** The headers of the event stream (AnyCable's). */
const STREAM_HEADERS: OutgoingHttpHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0',
  Pragma: 'no-cache',
  Expires: '0',
  'X-Content-Type-Options': 'nosniff',
  'X-Accel-Buffering': 'no',
};

/** One SSE response as a Transport, with the edge state the server's sweep reads (as WsTransport has). */
export class SseTransport implements Transport {
  /** SSE sessions speak the extended protocol: data frames carry positions, and a subscribe may ask for history. */
  readonly protocol = EXT_PROTOCOL;
  readonly openedAt = Date.now();
  /** No client frames arrive on an event stream: the frame deadline never applies. */
  readonly midFrame = false;
  readonly isPaused = false;
  readonly isClosing = false;
  frameSeenAt = 0;
  abortedAt = 0;
  private phase: 'pending' | 'streaming' | 'ended' = 'pending';
  private backlog: string[] = [];
  private backlogBytes = 0;
  /** The answer if the connection ends before the subscription is answered. */
  private refusal = 400;
  private finished = false;

  constructor(private readonly res: ServerResponse, private readonly opts: SseTransportOptions) {}

  /** Whether the response is over (its `close` event came, or it was destroyed). */
  get isClosed(): boolean {
    return this.finished || this.res.destroyed;
  }

  /** The response's `close` event: finished, or the client went away. Nothing is written from now on. */
  ended(): void {
    this.finished = true;
    this.phase = 'ended';
  }

  get bufferedAmount(): number {
    return this.phase === 'pending' ? this.backlogBytes : this.res.writableLength;
  }

  /** A frame for this connection only: protocol frames also move the answer along (see the header comment). */
  send(text: string): void {
    if (this.phase === 'ended') return;
    const parsed = parseFrame(text);
    if (!parsed) return;
    const { event, frame } = parsed;
    if (event.type === undefined || !this.opts.raw) this.write(formatEvent(event));
    if (this.phase !== 'pending') return;
    if (event.type === 'confirm_subscription') this.start();
    else if (event.type === 'reject_subscription') this.refuse(400);
    else if (event.type === 'disconnect') this.refusal = refusalStatus(frame.reason);
  }

  /** A frame shared with other sessions (a broadcast, the ping), encoded once for all SSE sessions. */
  sendFrame(frame: PreparedFrame): void {
    if (this.phase === 'ended') return;
    const encoded = encodeFrame(frame);
    if (!encoded) return;
    if (!encoded.typed || !this.opts.raw) this.write(encoded.chunk);
    // A raw stream still needs traffic, or proxies close it when idle: the ping becomes a comment line.
    else if (frame.identifier === undefined) this.write(': ping\n\n');
  }

  /** End the response: the stream if it started, else the refusal the connection's last frames decided. */
  close(_code: number): void {
    if (this.phase === 'pending') return this.refuse(this.refusal);
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    if (this.abortedAt === 0) this.abortedAt = Date.now();
    this.res.end();
  }

  /** Answer `status` (nothing has been sent yet) and end; no-op once the stream has started. */
  refuse(status: number): void {
    if (this.phase !== 'pending') return;
    this.phase = 'ended';
    this.backlog = [];
    this.backlogBytes = 0;
    if (this.abortedAt === 0) this.abortedAt = Date.now();
    if (this.res.headersSent || this.res.destroyed) {
      this.res.destroy();
      return;
    }
    const headers: OutgoingHttpHeaders = { ...this.opts.headers, 'Content-Length': '0', 'Cache-Control': 'no-store' };
    if (status === 503 || status === 429) headers['Retry-After'] = '1';
    this.res.writeHead(status, headers).end();
  }

  /** Destroy the response without a goodbye (a peer that does not take its end). */
  terminate(): void {
    this.phase = 'ended';
    this.res.destroy();
  }

  pause(): void {
    // Nothing is read from an event stream.
  }

  resume(): void {
    // Nothing is read from an event stream.
  }

  /** Start the `200` stream with what waited for it. */
  private start(): void {
    this.phase = 'streaming';
    this.res.writeHead(200, { ...this.opts.headers, ...STREAM_HEADERS });
    const backlog = this.backlog.join('');
    this.backlog = [];
    this.backlogBytes = 0;
    // Headers and backlog in one write: EventSource sees the welcome and the confirmation together.
    if (backlog !== '') this.emit(backlog);
    else this.res.flushHeaders();
  }

  private write(chunk: string): void {
    if (this.phase === 'pending') {
      this.backlog.push(chunk);
      this.backlogBytes += Buffer.byteLength(chunk);
    } else this.emit(chunk);
  }

  private emit(chunk: string): void {
    if (this.res.destroyed) return;
    if (this.opts.io) this.opts.io.bytesOut += Buffer.byteLength(chunk);
    this.res.write(chunk);
  }
}
