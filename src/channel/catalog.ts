// The channel catalog: every event a channel sends is declared once, as a zod schema with its wire name, the streams
// it travels on and how it is delivered. Publishers and transmitted frames are derived from the declaration; the
// AsyncAPI document (`npm run catalog` → docs/asyncapi.json) and the generated tables of docs/channels.md read the
// same declarations through `catalogOf`.
//
// Wire frames keep the declared key order: a message is built by walking the schema's shape (literals such as
// `type` filled in, `timestamp` stamped when `stamp` is set, the rest taken from the input), and extra input keys
// follow. Validation against the schema runs only when NODE_ENV is 'development' or 'test' (decided at load), so
// production's fan-out path never pays for it.

import { z } from 'zod';
import { actionSpecs } from './actions';
import type { ChannelClass } from './base';
import type { BroadcastTarget } from './broadcasting';

/** Whether derived publishers and `eventMessage` validate what they build (decided once, at module load). */
export const VALIDATE_EVENTS: boolean = ['development', 'test'].includes(process.env.NODE_ENV ?? '');

// ---------------------------------------------------------------------------------------------------------------
// Streams

/** The `{name}` parameters of a stream address template: `'system_channel_{account_id}'` → `'account_id'`. */
export type StreamParamNames<T extends string> = T extends `${string}{${infer P}}${infer R}` ? P | StreamParamNames<R> : never;
/** The named arguments a stream address needs: `{ account_id: string }`. */
export type StreamArgs<T extends string> = { [K in StreamParamNames<T>]: string };

/** A stream a channel streams from: its address template with named parameters, and how to build the name. */
export interface StreamSpec<T extends string = string> {
  /** The address template, e.g. `system_channel_{account_id}` (AsyncAPI channel address syntax). */
  readonly address: T;
  /** The parameter names of `address`, in order. */
  readonly parameters: readonly string[];
  readonly description?: string;
  /** The stream name for `args` (`target` supplies the GlobalID app for `notification:<gid>` style names). */
  name(args: StreamArgs<T>, target?: Pick<BroadcastTarget, 'gidApp'>): string;
}

/**
 * Declare a stream. The name is the template with each `{param}` replaced, unless `build` computes it.
 * @example export const SystemStream = stream('system_channel_{account_id}', { description: 'operations of one account' })
 *          SystemStream.name({ account_id }) // 'system_channel_<account_id>'
 */
export function stream<T extends string>(
  address: T,
  opts: { description?: string; build?: (args: StreamArgs<T>, target?: Pick<BroadcastTarget, 'gidApp'>) => string } = {},
): StreamSpec<T> {
  const parameters = [...address.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const name = opts.build ?? ((args: StreamArgs<T>) => address.replace(/\{(\w+)\}/g, (_m, p: string) => String((args as Record<string, unknown>)[p])));
  return { address, parameters, ...(opts.description ? { description: opts.description } : {}), name };
}

// ---------------------------------------------------------------------------------------------------------------
// Events

/** How an event reaches a client: broadcast to a stream, transmitted on subscribe, or in reply to an action. */
export type Delivery = 'broadcast' | 'transmit' | 'reply';

type Shape = z.ZodRawShape;
type LiteralKeys<S extends Shape> = { [K in keyof S]: S[K] extends z.ZodLiteral<infer _L> ? K : never }[keyof S];
/** What a derived publisher takes: the message without its literal keys (`timestamp` optional when stamped). */
export type EventInput<S extends Shape, Stamp extends boolean> = Stamp extends true
  ? Fields<S, LiteralKeys<S> | 'timestamp'> & { timestamp?: string }
  : Fields<S, LiteralKeys<S>>;
type Fields<S extends Shape, Drop> = [Exclude<keyof S, Drop>] extends [never] ? Record<never, never> : Omit<z.input<z.ZodObject<S>>, Drop & string>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/**
 * The message a client receives (the schema's output): the name key `K` holding `N`, the fields, and `timestamp`
 * when stamped. Type-only: the typed client (client/) reads it through `import type`.
 */
export type EventOutput<N extends string, K extends string | null, S extends Shape, Stamp extends boolean> = Simplify<
  (K extends string ? { [P in K]: N } : unknown) &
    ([keyof S] extends [never] ? unknown : Omit<z.output<z.ZodObject<S>>, K extends string ? K : never>) &
    (Stamp extends true ? { timestamp: string } : unknown)
>;

/** One declared event. `I` is the input a publisher or `eventMessage` takes; `O` the message clients receive. */
export interface EventSpec<I = unknown, O = unknown> {
  /** The wire name (the value of `key`, e.g. `operation_updated`). */
  readonly name: string;
  /** The message key holding the wire name (`type`, `method`, `event`), or null when the message has none. */
  readonly key: string | null;
  /** The whole message, in wire key order. */
  readonly schema: z.ZodType;
  readonly delivery: readonly Delivery[];
  /** The streams it is broadcast to (empty for transmit/reply only events). */
  readonly streams: readonly StreamSpec[];
  readonly summary?: string;
  /** The actions whose reply this is (delivery `reply`). */
  readonly replyTo?: readonly string[];
  /** Build the wire message from the input (no validation). */
  build(input: I): Record<string, unknown>;
  /** Phantom: the input type. */
  readonly _input?: I;
  /** Phantom: the wire message's type (the schema's output), for typed clients. */
  readonly _output?: O;
}

interface EventOptions<D extends readonly Delivery[], N extends string = string, K extends string | null = string | null> {
  /** The wire name. */
  name: N;
  delivery: D;
  /** The key holding the name; default `type`; null: the message has no name key (`name` is then a label only). */
  key?: K;
  streams?: readonly StreamSpec<string>[];
  summary?: string;
  replyTo?: readonly string[];
  /** Accept keys beyond the declared ones (passed through after the declared keys). */
  loose?: boolean;
}

const isoNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

type Step = { key: string; kind: 'const'; value: unknown } | { key: string; kind: 'input' } | { key: string; kind: 'stamp' };

/**
 * Declare an event whose message is the fields in order. The name key (default `type`) goes first unless `fields`
 * places it; `z.literal` fields are constants; with `stamp: true` a trailing `timestamp` (ISO-8601, seconds) is
 * filled in when the input has none.
 * @example
 * export const OperationUpdated = defineEvent({
 *   name: 'operation_updated', delivery: ['broadcast'], streams: [SystemStream], stamp: true,
 *   fields: { operation: Operation },
 * });   // wire: {type:"operation_updated", operation:{…}, timestamp}
 */
export function defineEvent<
  S extends Shape,
  Stamp extends boolean = false,
  D extends readonly Delivery[] = readonly Delivery[],
  N extends string = string,
  K extends string | null = 'type',
>(opts: EventOptions<D, N, K> & { fields: S; stamp?: Stamp }): EventSpec<EventInput<S, Stamp>, EventOutput<N, K, S, Stamp>> {
  const key = opts.key === undefined ? 'type' : opts.key;
  const shape: Record<string, z.ZodType> = {};
  if (key !== null && !(key in opts.fields)) shape[key] = z.literal(opts.name);
  for (const [k, v] of Object.entries(opts.fields)) shape[k] = k === key ? z.literal(opts.name) : (v as z.ZodType);
  if (opts.stamp && !('timestamp' in shape)) shape.timestamp = z.string();
  const schema = opts.loose ? z.looseObject(shape) : z.object(shape);
  const steps: Step[] = Object.entries(shape).map(([k, v]): Step => {
    if (k === key) return { key: k, kind: 'const', value: opts.name };
    if (v instanceof z.ZodLiteral) return { key: k, kind: 'const', value: (v as z.ZodLiteral).value };
    if (k === 'timestamp' && opts.stamp) return { key: k, kind: 'stamp' };
    return { key: k, kind: 'input' };
  });
  const declared = new Set(steps.map((s) => s.key));
  const build = (input: EventInput<S, Stamp>): Record<string, unknown> => {
    const src = input as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const s of steps) {
      if (s.kind === 'const') out[s.key] = s.value;
      else if (s.kind === 'stamp') out[s.key] = src.timestamp ?? isoNow();
      else if (src[s.key] !== undefined) out[s.key] = src[s.key];
    }
    if (opts.loose) for (const k of Object.keys(src)) if (!declared.has(k) && src[k] !== undefined) out[k] = src[k];
    return out;
  };
  return custom({ ...opts, key, schema, build });
}

/**
 * Declare an event whose message a function builds (envelopes that repeat parts, such as MCP's JSON-RPC
 * notifications). `schema` describes the whole message; `build` must produce it.
 */
export function defineCustomEvent<I, D extends readonly Delivery[] = readonly Delivery[], Sch extends z.ZodType = z.ZodType>(
  opts: EventOptions<D> & { schema: Sch; build: (input: I) => Record<string, unknown> },
): EventSpec<I, CustomOutput<Sch>> {
  return custom({ ...opts, key: opts.key === undefined ? 'type' : opts.key });
}
/** A custom event's message: its schema's output (a plain record when the schema's type was widened). */
type CustomOutput<Sch extends z.ZodType> = unknown extends z.output<Sch> ? Record<string, unknown> : z.output<Sch>;

function custom<I, O = unknown>(o: EventOptions<readonly Delivery[]> & { key: string | null; schema: z.ZodType; build: (input: I) => Record<string, unknown> }): EventSpec<I, O> {
  return {
    name: o.name,
    key: o.key,
    schema: o.schema,
    delivery: o.delivery,
    streams: o.streams ?? [],
    ...(o.summary ? { summary: o.summary } : {}),
    ...(o.replyTo ? { replyTo: o.replyTo } : {}),
    build: o.build,
  };
}

/** Thrown (development and tests only) when a built message does not match its event's schema. */
export class EventShapeError extends Error {
  constructor(event: string, issues: string) {
    super(`event ${event} does not match its schema: ${issues}`);
    this.name = 'EventShapeError';
  }
}

function checked(spec: EventSpec<never>, message: Record<string, unknown>): Record<string, unknown> {
  if (VALIDATE_EVENTS) {
    const r = spec.schema.safeParse(message);
    if (!r.success) throw new EventShapeError(spec.name, r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  }
  return message;
}

/** The wire message of `spec` for `input` (validated in development and tests): `this.transmit(eventMessage(Pong, {…}))`. */
export function eventMessage<I>(spec: EventSpec<I>, input: I): Record<string, unknown> {
  return checked(spec as EventSpec<never>, spec.build(input));
}

/** What derived publishers send through (a `Broadcaster` of channels/support/services.ts fits). */
export type EventTarget = BroadcastTarget;

/** A derived publisher: `(broadcaster, streamArgs, payload)`. */
export type Publisher<T extends string, I> = (b: EventTarget, streamArgs: StreamArgs<T>, payload: I) => Promise<void>;

/**
 * The publisher of `spec` on `on` (default: its first stream): builds the message in wire order, validates it in
 * development and tests, and broadcasts it to the stream named by `streamArgs`.
 * @example export const publishOperationUpdated = broadcaster(OperationUpdated);
 *          await publishOperationUpdated(b, { account_id }, { operation: operationJson(op) });
 */
export function broadcaster<I, T extends string = string>(spec: EventSpec<I>, on?: StreamSpec<T>): Publisher<T, I> {
  const target = (on ?? spec.streams[0]) as StreamSpec<T> | undefined;
  if (!target) throw new Error(`event ${spec.name} has no stream to broadcast to`);
  if (!spec.streams.includes(target as StreamSpec)) throw new Error(`event ${spec.name} is not declared on ${target.address}`);
  return (b, streamArgs, payload) => b.broadcast(target.name(streamArgs, b), eventMessage(spec, payload));
}

// ---------------------------------------------------------------------------------------------------------------
// Registry

/** Everything the catalog knows of one channel class. */
export interface ChannelCatalog {
  channel: string;
  params: z.ZodType;
  /** Action name → data schema. */
  actions: Array<{ name: string; schema: z.ZodType }>;
  /** Declared streams (of the events, plus `static streams`). */
  streams: StreamSpec[];
  events: EventSpec[];
}

/** A channel class that declares its catalog: `static events = [...]` and optionally `static streams = [...]`. */
export interface CataloguedClass {
  readonly events?: readonly EventSpec<never>[];
  readonly streams?: readonly StreamSpec<string>[];
}

/** The catalog of `cls`: params, actions, the streams and events it declares (empty for classes not yet converted). */
export function catalogOf(cls: ChannelClass): ChannelCatalog {
  const c = cls as ChannelClass & CataloguedClass;
  const events = [...(c.events ?? [])] as EventSpec[];
  const streams: StreamSpec[] = [];
  for (const s of [...(c.streams ?? []), ...events.flatMap((e) => e.streams)]) if (!streams.includes(s as StreamSpec)) streams.push(s as StreamSpec);
  const actions = actionSpecs(cls.actions).map(([name, spec]) => ({ name, schema: spec.schema as z.ZodType }));
  return { channel: cls.channel, params: cls.params as z.ZodType, actions, streams, events };
}

/** Whether `cls` declares events (converted onto the catalog). */
export function isCatalogued(cls: ChannelClass): boolean {
  return ((cls as ChannelClass & CataloguedClass).events ?? []).length > 0;
}
