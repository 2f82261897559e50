// decodeCommand / encode*: strings in, typed commands out, and typed messages to exact Rails frame strings
// (key order as Rails emits them). Pure: no I/O, no timers.

import { ProtocolError } from '../errors';
import type { ClientCommand, DisconnectReason, HistoryRequest, PresenceEvent, PresenceRecord, PresenceRequest, StreamPosition } from './messages';
import { COMMANDS } from './messages';

/** Result of decoding a frame that is valid JSON but carries nothing to do (Powernode UI's `{"type":"ping"}`). */
export const IGNORED = Symbol('ignored');

/** The commands only AnyCable's extended protocol defines; a plain client sending them gets what Rails does. */
const EXT_COMMANDS: ReadonlySet<string> = new Set(['history', 'ping', 'pong']);

/**
 * Parse one client text frame; throws ProtocolError for malformed or unknown commands. Without `ext` (plain
 * `actioncable-v1-json` or no sub-protocol) the ext-only commands are unknown, as in Rails, and a `history` field
 * of `subscribe` is ignored.
 */
export function decodeCommand(raw: string, opts: { ext?: boolean } = {}): ClientCommand | typeof IGNORED {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ProtocolError('CABLE_MALFORMED_COMMAND', 'frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('CABLE_MALFORMED_COMMAND', 'frame is not a JSON object');
  }
  const obj = value as Record<string, unknown>;
  const command = obj.command;
  // Powernode's raw clients send `{"type":"ping"}` keepalives and answer every server ping with `{"type":"pong"}`.
  if (command === undefined && (obj.type === 'ping' || obj.type === 'pong')) return IGNORED;
  if (typeof command !== 'string') throw new ProtocolError('CABLE_MALFORMED_COMMAND', 'command is missing or not a string');
  if (!COMMANDS.has(command) || (!opts.ext && EXT_COMMANDS.has(command))) throw new ProtocolError('CABLE_UNKNOWN_COMMAND', `unknown command ${JSON.stringify(command.slice(0, 64))}`);
  if (command === 'ping' || command === 'pong') return { command };
  const identifier = obj.identifier;
  if (typeof identifier !== 'string') throw new ProtocolError('CABLE_MALFORMED_COMMAND', `${command} without a string identifier`);
  switch (command) {
    case 'subscribe': {
      const history = opts.ext ? decodeHistory(obj.history) : undefined;
      const presence = decodePresence(obj.presence);
      return { command, identifier, ...(history && { history }), ...(presence && { presence }) };
    }
    case 'unsubscribe':
    case 'leave':
    case 'presence':
      return { command, identifier };
    case 'whisper':
      if (obj.data === undefined) throw new ProtocolError('CABLE_MALFORMED_COMMAND', 'whisper without data');
      return { command, identifier, data: obj.data };
    case 'join': {
      const presence = decodePresence(obj.presence);
      if (!presence) throw new ProtocolError('CABLE_MALFORMED_COMMAND', 'join without a presence object');
      return { command, identifier, presence };
    }
    case 'message':
      if (typeof obj.data !== 'string') throw new ProtocolError('CABLE_MALFORMED_COMMAND', 'message data must be a JSON-encoded string');
      return { command, identifier, data: obj.data };
    default: {
      const history = decodeHistory(obj.history);
      if (!history) throw new ProtocolError('CABLE_MALFORMED_COMMAND', 'history without since or streams');
      return { command: 'history', identifier, history };
    }
  }
}

function decodePresence(value: unknown): PresenceRequest | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  return { id: v.id, info: v.info };
}

function decodeHistory(value: unknown): HistoryRequest | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const out: HistoryRequest = {};
  if (typeof v.since === 'number' && Number.isFinite(v.since) && v.since > 0) out.since = v.since;
  if (typeof v.streams === 'object' && v.streams !== null) {
    const streams: Record<string, StreamPosition> = {};
    for (const [name, pos] of Object.entries(v.streams as Record<string, unknown>)) {
      const p = pos as Record<string, unknown> | null;
      if (p && typeof p.offset === 'number' && typeof p.epoch === 'string') streams[name] = { offset: p.offset, epoch: p.epoch };
    }
    if (Object.keys(streams).length > 0) out.streams = streams;
  }
  return out.since !== undefined || out.streams !== undefined ? out : undefined;
}

/** `{"type":"welcome"}`, with the session id and restore fields for the ext protocol. */
export function encodeWelcome(sid?: string, restoredIds?: readonly string[]): string {
  if (sid === undefined) return '{"type":"welcome"}';
  if (restoredIds === undefined) return `{"type":"welcome","sid":${JSON.stringify(sid)}}`;
  return `{"type":"welcome","sid":${JSON.stringify(sid)},"restored":true,"restored_ids":${railsJson(restoredIds)}}`;
}

/** `{"type":"ping","message":<unix seconds>}`. */
export function encodePing(unixSeconds: number): string {
  return `{"type":"ping","message":${Math.floor(unixSeconds)}}`;
}

/** `{"type":"pong"}` (reply to an ext-protocol client ping). */
export function encodePong(): string {
  return '{"type":"pong"}';
}

/** `{"type":"disconnect","reason":…,"reconnect":…}`; reconnect is always an explicit boolean. */
export function encodeDisconnect(reason: DisconnectReason | null, reconnect: boolean): string {
  return `{"type":"disconnect","reason":${JSON.stringify(reason)},"reconnect":${reconnect}}`;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** JSON text as ActiveSupport::JSON writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped (escape_html_entities_in_json). */
export function railsEscape(json: string): string {
  return HTML_UNSAFE.test(json) ? json.replace(HTML_UNSAFE, (c) => ESCAPES[c] as string) : json;
}

/** `value` encoded as Rails encodes a frame's message (JSON.stringify plus Rails' escapes; undefined → null). */
export function railsJson(value: unknown): string {
  return railsEscape(JSON.stringify(value) ?? 'null');
}

/**
 * A pub/sub payload as Rails' default stream handler would send it: null when it is not JSON (Rails drops it),
 * otherwise the text with Rails' HTML/line-separator escapes. Unlike Rails we do not re-serialize: JavaScript
 * numbers would turn `1.0` into `1` and corrupt big integers, so only insignificant whitespace can differ.
 */
export function normalizePayload(payload: string): string | null {
  try {
    JSON.parse(payload);
  } catch {
    return null;
  }
  return railsEscape(payload);
}

/** The identifier as a JSON string literal, computed once per subscription and reused for every frame. */
export function quoteIdentifier(identifier: string): string {
  return railsJson(identifier);
}

/** `{"identifier":…,"type":"confirm_subscription"}` (and the reject / history variants). */
export function encodeSubscriptionFrame(
  quotedIdentifier: string,
  type: 'confirm_subscription' | 'reject_subscription' | 'confirm_history' | 'reject_history',
): string {
  return `{"identifier":${quotedIdentifier},"type":"${type}"}`;
}

/** A frame built once and written to many sockets, carrying what it is about as data; transports cache their wire encoding in `wire`. */
export class PreparedFrame {
  wire: unknown = undefined;
  constructor(
    readonly text: string,
    /** The quoted identifier of a data frame. */
    readonly identifier?: string,
    /** The stream a data frame was broadcast on. */
    readonly stream?: string,
    /** The ext-protocol position of a data frame. */
    readonly position?: StreamPosition,
  ) {}
}

/** The start of every data frame of one subscription, built once per identifier: `{"identifier":…,"message":`. */
export interface DataFramePrefix {
  readonly identifier: string;
  readonly text: string;
}

/** The prefix of `quotedIdentifier`'s data frames. */
export function dataFramePrefix(quotedIdentifier: string): DataFramePrefix {
  return { identifier: quotedIdentifier, text: `{"identifier":${quotedIdentifier},"message":` };
}

/** The ext-protocol tail of a positioned data frame, built once per broadcast: `,"stream_id":…,"epoch":…,"offset":…}`. */
export interface PositionTail {
  readonly position: StreamPosition;
  readonly text: string;
}

/** The tail carrying `stream`'s position. */
export function positionTail(stream: string, position: StreamPosition): PositionTail {
  return { position, text: `,"stream_id":${railsJson(stream)},"epoch":${railsJson(position.epoch)},"offset":${position.offset}}` };
}

/** `{"identifier":…,"message":<payload>}` for one identifier, shared by its subscribers; positioned when `tail` is given. */
export function dataFrame(prefix: DataFramePrefix, payload: string, stream: string, tail?: PositionTail): PreparedFrame {
  return tail
    ? new PreparedFrame(prefix.text + payload + tail.text, prefix.identifier, stream, tail.position)
    : new PreparedFrame(`${prefix.text}${payload}}`, prefix.identifier, stream);
}

/** The server-wide ping, built once per tick. */
export function pingFrame(unixSeconds: number): PreparedFrame {
  return new PreparedFrame(encodePing(unixSeconds));
}

/** `{"identifier":…,"message":<messageJson>}` (no `type` key, as Rails). */
export function encodeData(quotedIdentifier: string, messageJson: string): string {
  return `{"identifier":${quotedIdentifier},"message":${messageJson}}`;
}

/** Ext-protocol data frame: the data frame plus `stream_id`, `epoch` and `offset`. */
export function encodeDataWithPosition(quotedIdentifier: string, messageJson: string, stream: string, epoch: string, offset: number): string {
  return `{"identifier":${quotedIdentifier},"message":${messageJson},"stream_id":${railsJson(stream)},"epoch":${railsJson(epoch)},"offset":${offset}}`;
}

/** `{"type":"presence","identifier":…,"message":<messageJson>}` (AnyCable's presence reply and events). */
export function encodePresenceFrame(quotedIdentifier: string, messageJson: string): string {
  return `{"type":"presence","identifier":${quotedIdentifier},"message":${messageJson}}`;
}

/** A presence event as AnyCable writes it: `{"type":"join","info":…,"id":…}` or `{"type":"leave","id":…}`. */
export function encodePresenceEvent(event: PresenceEvent): string {
  if (event.type === 'leave') return `{"type":"leave","id":${railsJson(event.id)}}`;
  return event.info === undefined || event.info === null
    ? `{"type":"join","id":${railsJson(event.id)}}`
    : `{"type":"join","info":${railsJson(event.info)},"id":${railsJson(event.id)}}`;
}

/** The answer to a `presence` command: `{"type":"info","total":N,"records":[{"info":…,"id":…}]}` (records omitted when empty), or `{"type":"error","total":0}`. */
export function encodePresenceInfo(records: readonly PresenceRecord[] | null): string {
  if (records === null) return '{"type":"error","total":0}';
  if (records.length === 0) return '{"type":"info","total":0}';
  const items = records.map((r) => (r.info === undefined || r.info === null ? `{"id":${railsJson(r.id)}}` : `{"info":${railsJson(r.info)},"id":${railsJson(r.id)}}`));
  return `{"type":"info","total":${records.length},"records":[${items.join(',')}]}`;
}

/** Encode a value as the JSON message of a frame, as ActiveSupport::JSON does; `undefined` becomes `null`. */
export function encodeMessage(message: unknown): string {
  return railsJson(message);
}
