// fast-check arbitraries of cable commands as JSON text: identifiers of the real channels with real, mutated or
// absurd params, unknown channels, `message` data for the channels' actions, ext-protocol history/ping/pong, and
// every command field with a value of the wrong type. Frames are text here; frames.ts decides how they are sent.

import fc from 'fast-check';
import type { ChannelShape, FieldShape } from './catalog';
import { KNOWN_PARAM_KEYS, KNOWN_TYPES } from './catalog';
import type { FuzzCast } from './cast';
import { anyRaw, deepJsonArb, hugeNumber, longStringArb, rawArray, rawObject, rawString, trickyString, weirdScalar, type Raw } from './raw-json';

/** What the command arbitraries draw from. */
export interface CommandContext {
  catalog: readonly ChannelShape[];
  cast: FuzzCast;
  /** Upper bound of long strings placed in a frame (keep below CABLE_MAX_FRAME_BYTES for non-fatal frames). */
  maxStringBytes: number;
  /** Deepest nesting generated. */
  maxDepth: number;
}

/** The commands of the protocol, plus near misses. */
export const COMMAND_NAMES: readonly string[] = ['subscribe', 'unsubscribe', 'message', 'history', 'ping', 'pong'];
const NEAR_MISS_COMMANDS: readonly string[] = ['Subscribe', 'SUBSCRIBE', 'subscribe ', ' message', 'perform', 'speak', 'welcome', 'confirm_subscription', 'disconnect', '', '__proto__', 'constructor', 'toString'];
const UNKNOWN_CHANNELS: readonly string[] = ['', 'Foo', 'ApplicationChannel', 'Channel', 'ActionCable::Channel::Base', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'notificationchannel', 'NotificationChannel ', ' NotificationChannel', 'BenchmarkChannel', 'Notification'];

function realValues(ctx: CommandContext, field: FieldShape): string[] {
  if (field.values.length > 0) return field.values;
  if (field.key === 'type') return [...KNOWN_TYPES];
  const own = ctx.cast.ids[field.key] ?? [];
  return own.length > 0 ? own : [...ctx.cast.accountIds, ...ctx.cast.anyIds.slice(0, 20)];
}

/** A value that belongs in `field`: a real id/enum value from any account. */
function realValue(ctx: CommandContext, field: FieldShape): fc.Arbitrary<Raw> {
  const values = realValues(ctx, field);
  return values.length > 0 ? fc.constantFrom(...values).map(rawString) : fc.uuid().map(rawString);
}

/** A value of the wrong shape for an id-like field. */
export function badValue(ctx: CommandContext): fc.Arbitrary<Raw> {
  return fc.oneof(
    { arbitrary: weirdScalar, weight: 4 },
    { arbitrary: fc.uuid().map(rawString), weight: 2 },
    { arbitrary: fc.constantFrom(...ctx.cast.anyIds, 'not-a-uuid').map((id) => rawArray([rawString(id)])), weight: 2 },
    { arbitrary: fc.constantFrom(...ctx.cast.anyIds, 'x').map((id) => rawObject([['id', rawString(id)]])), weight: 2 },
    { arbitrary: fc.constantFrom(...ctx.cast.anyIds, 'x').map((id) => rawString(`${id}' OR '1'='1`)), weight: 1 },
    { arbitrary: anyRaw, weight: 2 },
    { arbitrary: longStringArb(Math.min(ctx.maxStringBytes, 64 * 1024)).map(rawString), weight: 1 },
    { arbitrary: deepJsonArb(Math.min(ctx.maxDepth, 2000)), weight: 1 },
    { arbitrary: hugeNumber, weight: 2 },
  );
}

function paramEntries(ctx: CommandContext, channel: ChannelShape, mutate: boolean): fc.Arbitrary<Array<[string, Raw]>> {
  const fields: FieldShape[] = [...channel.params.filter((f) => f.key !== 'channel'), ...(mutate ? KNOWN_PARAM_KEYS.map((key) => ({ key, values: [] })) : [])];
  if (fields.length === 0) return fc.constant([]);
  const entry = (f: FieldShape) => fc.tuple(fc.constant(f.key), mutate ? fc.oneof(realValue(ctx, f), badValue(ctx)) : realValue(ctx, f));
  return fc.subarray(fields, { maxLength: mutate ? 4 : fields.length }).chain((chosen) => (chosen.length === 0 ? fc.constant([]) : fc.tuple(...chosen.map(entry))));
}

/** An identifier of a real channel with real ids (possibly another account's): the valid-looking case. */
export function realIdentifier(ctx: CommandContext, channels = ctx.catalog): fc.Arbitrary<string> {
  return fc.constantFrom(...channels).chain((c) => paramEntries(ctx, c, false).map((entries) => rawObject([['channel', rawString(c.channel)], ...entries])));
}

/** An identifier of a real channel whose params are mutated: wrong types, long, deep, extra and duplicated keys. */
export function mutatedIdentifier(ctx: CommandContext): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...ctx.catalog), fc.boolean(), fc.array(fc.tuple(fc.string({ maxLength: 12 }), weirdScalar), { maxLength: 3 }))
    .chain(([c, channelLast, extra]) =>
      paramEntries(ctx, c, true).map((entries) => {
        const channel: [string, Raw] = ['channel', rawString(c.channel)];
        const all = channelLast ? [...entries, ...extra, channel] : [channel, ...entries, ...extra];
        return rawObject(all);
      }),
    );
}

/** Identifiers that name no channel, or are not JSON objects at all. */
export function unknownIdentifier(ctx: CommandContext): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...UNKNOWN_CHANNELS).map((name) => rawObject([['channel', rawString(name)]])),
    fc.string({ maxLength: 30 }).map((name) => rawObject([['channel', rawString(name)], ['id', '1']])),
    badValue(ctx).map((v) => rawObject([['channel', v]])),
    fc.constantFrom(...ctx.catalog.map((c) => c.channel)).map((name) => rawObject([['channel', rawString(name)], ['channel', rawString('Other')]])),
    badValue(ctx),
    trickyString,
    deepJsonArb(ctx.maxDepth),
  );
}

/** Any identifier text: real, mutated or unknown. */
export function anyIdentifier(ctx: CommandContext): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: realIdentifier(ctx), weight: 3 }, { arbitrary: mutatedIdentifier(ctx), weight: 4 }, { arbitrary: unknownIdentifier(ctx), weight: 2 });
}

/** `{"command":…,"identifier":…}` with optional extra entries. */
export function commandFrame(command: Raw, identifier: Raw | undefined, extra: ReadonlyArray<readonly [string, Raw]> = []): string {
  return rawObject([['command', command], ...(identifier === undefined ? [] : [['identifier', identifier] as const]), ...extra]);
}

/** A subscribe frame for identifier text `id`. */
export function subscribeFrame(id: string, history?: Raw): string {
  return commandFrame(rawString('subscribe'), rawString(id), history === undefined ? [] : [['history', history]]);
}

/** An unsubscribe frame for identifier text `id`. */
export function unsubscribeFrame(id: string): string {
  return commandFrame(rawString('unsubscribe'), rawString(id));
}

/** A message frame for identifier text `id` with `data` (JSON text or anything else) as its data string. */
export function messageFrame(id: string, data: string): string {
  return commandFrame(rawString('message'), rawString(id), [['data', rawString(data)]]);
}

function actionData(ctx: CommandContext, channel: ChannelShape): fc.Arbitrary<string> {
  const names = [...channel.actions.map((a) => a.name), 'subscribed', 'unsubscribed', 'constructor', '__proto__', 'toString', 'transmit', 'reject', 'stream_from', ''];
  const fieldsFor = (name: string) => channel.actions.find((a) => a.name === name)?.fields ?? [];
  return fc.constantFrom(...names).chain((name) => {
    const fields = fieldsFor(name);
    const values = fields.length === 0 ? fc.constant([] as Array<[string, Raw]>) : fc.tuple(...fields.map((f) => fc.tuple(fc.constant(f.key), fc.oneof(realValue(ctx, f), badValue(ctx)))));
    return fc.tuple(values, fc.subarray(fields)).map(([entries, dropped]) => rawObject([['action', rawString(name)], ...entries.filter(([k]) => !dropped.some((d) => d.key === k))]));
  });
}

/** `data` strings: action calls with fuzzed fields, non-objects, non-JSON, deep and huge documents. */
export function dataText(ctx: CommandContext, channel: ChannelShape): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: actionData(ctx, channel), weight: 6 },
    { arbitrary: badValue(ctx).map((v) => rawObject([['action', v]])), weight: 1 },
    { arbitrary: anyRaw, weight: 1 },
    { arbitrary: trickyString, weight: 1 },
    { arbitrary: deepJsonArb(ctx.maxDepth), weight: 1 },
    { arbitrary: deepJsonArb(ctx.maxDepth).map((deep) => rawObject([['action', rawString(channel.actions[0]?.name ?? 'x')], ['params', deep], ['data', deep]])), weight: 1 },
  );
}

/** An ext-protocol `history` value with fuzzed since/streams/offset/epoch. */
export function historyValue(ctx: CommandContext): fc.Arbitrary<Raw> {
  const position = fc.tuple(fc.oneof(fc.nat().map(String), hugeNumber, weirdScalar), fc.oneof(trickyString.map(rawString), weirdScalar)).map(([offset, epoch]) => rawObject([['offset', offset], ['epoch', epoch]]));
  const streams = fc.array(fc.tuple(fc.oneof(trickyString, fc.constantFrom(...ctx.cast.accountIds.map((a) => `account_${a}`))), fc.oneof(position, weirdScalar)), { maxLength: 4 }).map(rawObject);
  const since = fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }).map(String), hugeNumber, weirdScalar);
  return fc.oneof(
    fc.tuple(since, streams).map(([s, st]) => rawObject([['since', s], ['streams', st]])),
    since.map((s) => rawObject([['since', s]])),
    streams.map((st) => rawObject([['streams', st]])),
    badValue(ctx),
  );
}

/** One of the six commands (or a near miss) with one field replaced by a value of the wrong type. */
export function wrongTypeFrame(ctx: CommandContext): fc.Arbitrary<string> {
  const bad = badValue(ctx);
  const id = anyIdentifier(ctx).map(rawString);
  const command = fc.constantFrom(...COMMAND_NAMES, ...NEAR_MISS_COMMANDS).map(rawString);
  return fc.oneof(
    fc.tuple(bad, id).map(([c, i]) => commandFrame(c, i)),
    fc.tuple(command, bad).map(([c, i]) => commandFrame(c, i)),
    fc.tuple(command, id, bad).map(([c, i, d]) => commandFrame(c, i, [['data', d]])),
    fc.tuple(command, id, bad).map(([c, i, h]) => commandFrame(c, i, [['history', h]])),
    fc.tuple(command, bad).map(([c, i]) => commandFrame(c, undefined, [['identifier', i], ['identifier', rawString('{"channel":"McpChannel"}')]])),
    fc.tuple(command, command, id).map(([c1, c2, i]) => rawObject([['command', c1], ['identifier', i], ['command', c2]])),
    weirdScalar.map((t) => rawObject([['type', t]])),
    fc.constant('{"type":"ping"}'),
  );
}

/** Ext-protocol commands: ping, pong and history with fuzzed positions (plain clients see unknown commands). */
export function extFrame(ctx: CommandContext): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('{"command":"ping"}', '{"command":"pong"}', '{"command":"ping","identifier":"x"}'),
    fc.tuple(anyIdentifier(ctx), historyValue(ctx)).map(([i, h]) => commandFrame(rawString('history'), rawString(i), [['history', h]])),
    fc.tuple(realIdentifier(ctx), historyValue(ctx)).map(([i, h]) => subscribeFrame(i, h)),
  );
}
