// The fuzzer's frames: bursts (a few frames sent in order on one socket) of every category the fuzz covers —
// random bytes as binary and text (invalid UTF-8 included), truncated/deep/huge-number JSON, wrong types, unknown
// and mutated identifiers, subscribe-then-message sequences, ext commands, subscribe storms, long strings and
// mutations of valid frames — and a deterministic stream of them for a seed. Shared by the jest test and `npm run fuzz`.

import fc from 'fast-check';
import type { ChannelShape } from './catalog';
import {
  anyIdentifier, badValue, commandFrame, COMMAND_NAMES, dataText, extFrame, messageFrame, mutatedIdentifier, realIdentifier,
  subscribeFrame, unknownIdentifier, unsubscribeFrame, wrongTypeFrame, type CommandContext,
} from './commands';
import { isUtf8, mutate, truncate } from './mutate';
import { deepJsonArb, hugeNumber, longStringArb, rawObject, rawString } from './raw-json';

/** One WebSocket frame: valid UTF-8 text, binary, or a text frame whose payload is not UTF-8 (fatal: close 1007). */
export type FuzzFrame = { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array } | { kind: 'bad-utf8'; bytes: Uint8Array };

/** Frames sent back to back on one socket. */
export interface FuzzBurst {
  /** The category that produced it (reports count per label). */
  label: string;
  frames: FuzzFrame[];
  /** Which socket it is meant for: a user's, a worker's, an ext-protocol one, or any. */
  target: 'user' | 'worker' | 'ext' | 'any';
  /** Sent right after the socket opens, before the welcome (always on a throwaway socket). */
  preWelcome?: boolean;
}

/** Settings of the frame generators. */
export interface FrameOptions extends CommandContext {
  /** CABLE_MAX_FRAME_BYTES: a larger text frame is fatal (close 1009) and goes to a throwaway socket. */
  maxFrameBytes: number;
  /** Subscribes in one storm burst. */
  stormSize: number;
  /** Include frames above maxFrameBytes (`npm run fuzz` does, rarely; the CI test does not). */
  oversize: boolean;
}

const text = (t: string): FuzzFrame => ({ kind: 'text', text: t });
const burst = (label: string, frames: FuzzFrame[], target: FuzzBurst['target'] = 'any'): FuzzBurst => ({ label, frames, target });

/** Whether a burst may legitimately close its socket (invalid UTF-8, frames above the limit, pre-welcome frames). */
export function isFatal(b: FuzzBurst, maxFrameBytes: number): boolean {
  return b.preWelcome === true || b.frames.some((f) => f.kind === 'bad-utf8' || (f.kind === 'text' && Buffer.byteLength(f.text) > maxFrameBytes));
}

function randomBytes(): fc.Arbitrary<FuzzBurst> {
  return fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => burst('binary-bytes', [{ kind: 'binary', bytes }])), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 512 }).map((t) => burst('text-random', [text(t)])), weight: 4 },
    { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes) => burst(isUtf8(bytes) ? 'text-random' : 'bad-utf8', [isUtf8(bytes) ? text(Buffer.from(bytes).toString('utf8')) : { kind: 'bad-utf8', bytes }])), weight: 1 },
    fc.constantFrom(Uint8Array.of(0xff), Uint8Array.of(0xc0, 0x80), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xf4, 0x90, 0x80, 0x80)).map((bytes) => burst('bad-utf8', [{ kind: 'bad-utf8', bytes }])),
  );
}

function jsonShapes(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  const valid = fc.oneof(realIdentifier(o).map((i) => subscribeFrame(i)), realIdentifier(o).map((i) => messageFrame(i, '{"action":"ping"}')));
  return fc.oneof(
    valid.chain(truncate).map((t) => burst('truncated-json', [text(t)])),
    deepJsonArb(o.maxDepth).map((t) => burst('deep-frame', [text(t)])),
    deepJsonArb(o.maxDepth).map((d) => burst('deep-frame', [text(commandFrame(rawString('subscribe'), rawString('{"channel":"NotificationChannel"}'), [['x', d]]))])),
    fc.tuple(fc.constantFrom(...o.catalog), deepJsonArb(o.maxDepth)).map(([c, d]) => burst('deep-identifier', [text(subscribeFrame(d)), text(subscribeFrame(rawObject([['channel', rawString(c.channel)], [c.params[0]?.key ?? 'id', d]])))])),
    fc.tuple(fc.constantFrom(...COMMAND_NAMES), hugeNumber).map(([c, n]) => burst('huge-numbers', [text(rawObject([['command', rawString(c)], ['identifier', n], ['data', n], ['history', rawObject([['since', n], ['streams', rawObject([['s', rawObject([['offset', n], ['epoch', n]])]])]])]]))])),
  );
}

function identifiers(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  const trio = (id: string) => [text(subscribeFrame(id)), text(messageFrame(id, '{"action":"ping"}')), text(unsubscribeFrame(id))];
  return fc.oneof(
    unknownIdentifier(o).map((id) => burst('unknown-identifier', trio(id))),
    mutatedIdentifier(o).map((id) => burst('mutated-params', trio(id))),
    fc.array(mutatedIdentifier(o), { minLength: 1, maxLength: 5 }).map((ids) => burst('mutated-params', ids.map((id) => text(subscribeFrame(id))))),
  );
}

function conversation(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  return fc.constantFrom(...o.catalog).chain((channel: ChannelShape) =>
    fc
      .tuple(realIdentifier(o, [channel]), fc.array(dataText(o, channel), { minLength: 1, maxLength: 8 }), fc.boolean())
      .map(([id, datas, leave]) => burst('subscribe-messages', [text(subscribeFrame(id)), ...datas.map((d) => text(messageFrame(id, d))), ...(leave ? [text(unsubscribeFrame(id))] : [])], channel.accepts === 'worker' ? 'worker' : 'user')),
  );
}

function bareMessages(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  // Powernode's UI subscribes `{"channel":"X","account_id":…}` and then sends some actions with the bare
  // `{"channel":"X"}` identifier, which the server routes to the connection's only subscription of X.
  return fc.constantFrom(...o.catalog).chain((channel) =>
    fc.tuple(realIdentifier(o, [channel]), fc.array(dataText(o, channel), { minLength: 1, maxLength: 4 })).map(([id, datas]) => {
      const bare = rawObject([['channel', rawString(channel.channel)]]);
      return burst('bare-messages', [text(subscribeFrame(id)), ...datas.map((d) => text(messageFrame(bare, d)))], channel.accepts === 'worker' ? 'worker' : 'user');
    }),
  );
}

/** A subscribe storm: hundreds of subscribes (real, mutated, varying ids) on one socket, sometimes undone. */
export function stormBurst(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  const id = fc.oneof(realIdentifier(o), mutatedIdentifier(o), fc.nat(1000).map((n) => rawObject([['channel', rawString('AiOrchestrationChannel')], ['type', rawString('workflow')], ['id', String(n)]])));
  return fc.tuple(fc.array(id, { minLength: Math.ceil(o.stormSize / 2), maxLength: o.stormSize }), fc.boolean()).map(([ids, leave]) =>
    burst('subscribe-storm', [...ids.map((i) => text(subscribeFrame(i))), ...(leave ? ids.map((i) => text(unsubscribeFrame(i))) : [])]),
  );
}

function longStrings(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  const long = longStringArb(o.maxStringBytes);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...o.catalog), long).map(([c, s]) => burst('long-strings', [text(subscribeFrame(rawObject([['channel', rawString(c.channel)], [c.params[0]?.key ?? 'id', rawString(s)]])))])),
    fc.tuple(realIdentifier(o), long).map(([id, s]) => burst('long-strings', [text(subscribeFrame(id)), text(messageFrame(id, rawObject([['action', rawString(s)], ['content', rawString(s)]])))], 'user')),
    long.map((s) => burst('long-strings', [text(commandFrame(rawString(s), rawString(s)))])),
  );
}

function mutations(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  const valid = fc.oneof(
    realIdentifier(o).map((i) => subscribeFrame(i)),
    realIdentifier(o).chain((i) => dataText(o, o.catalog[0] as ChannelShape).map((d) => messageFrame(i, d))),
    fc.constant('{"command":"ping"}'),
  );
  return valid.chain(mutate).map((m) => ('text' in m ? burst('mutation', [text(m.text)]) : burst('mutation-bad-utf8', [{ kind: 'bad-utf8', bytes: m.bytes }])));
}

function preWelcome(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  const frame = fc.oneof(realIdentifier(o).map((i) => subscribeFrame(i)), wrongTypeFrame(o), badValue(o));
  return fc.array(frame, { minLength: 1, maxLength: 5 }).map((frames) => ({ ...burst('pre-welcome', frames.map(text)), preWelcome: true }));
}

function oversize(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  return fc.integer({ min: o.maxFrameBytes + 1, max: o.maxFrameBytes * 2 }).map((n) => burst('oversize', [text(subscribeFrame(`{"channel":"${'x'.repeat(n)}"}`))]));
}

/** Every burst category, weighted so a run of a few thousand frames touches each of them many times (a storm is
 * hundreds of frames, so it is drawn about once per thousand bursts). */
export function burstArbitrary(o: FrameOptions): fc.Arbitrary<FuzzBurst> {
  return fc.oneof(
    { arbitrary: randomBytes(), weight: 60 },
    { arbitrary: jsonShapes(o), weight: 80 },
    { arbitrary: wrongTypeFrame(o).map((t) => burst('wrong-types', [text(t)])), weight: 100 },
    { arbitrary: identifiers(o), weight: 100 },
    { arbitrary: conversation(o), weight: 140 },
    { arbitrary: bareMessages(o), weight: 30 },
    { arbitrary: extFrame(o).map((t) => burst('ext-commands', [text(t)], 'ext')), weight: 50 },
    { arbitrary: anyIdentifier(o).map((i) => burst('subscribe-unsubscribe', [text(subscribeFrame(i)), text(unsubscribeFrame(i))])), weight: 40 },
    { arbitrary: stormBurst(o), weight: 1 },
    { arbitrary: longStrings(o), weight: 20 },
    { arbitrary: mutations(o), weight: 100 },
    { arbitrary: preWelcome(o), weight: 5 },
    ...(o.oversize ? [{ arbitrary: oversize(o), weight: 2 }] : []),
  );
}

/** An endless, deterministic stream of bursts for `seed` (sampled in chunks, so memory stays flat). */
export function* burstStream(o: FrameOptions, seed: number, chunk = 100): Generator<FuzzBurst> {
  const arb = burstArbitrary(o);
  for (let i = 0; ; i += 1) yield* fc.sample(arb, { seed: (seed + i * 7919) | 0, numRuns: chunk });
}

/** Frames of a burst as a compact, replayable description (text verbatim, bytes as hex), for findings. */
export function describeFrame(f: FuzzFrame, max = 300): string {
  const body = f.kind === 'text' ? JSON.stringify(f.text.length > max ? `${f.text.slice(0, max)}…(${f.text.length} chars)` : f.text) : `0x${Buffer.from(f.bytes.slice(0, max / 2)).toString('hex')}${f.bytes.length > max / 2 ? `…(${f.bytes.length} bytes)` : ''}`;
  return `${f.kind} ${body}`;
}
