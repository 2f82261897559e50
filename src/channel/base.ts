// The channel base class (Rails ActionCable::Channel::Base, camelCased): lifecycle hooks, params validated by a
// zod schema, an explicit action table with its hooks (beforeAction, around, unknownAction), transmit/reject,
// streams and timers. Framework drivers (subscribeToChannel, performAction, unsubscribeFromChannel) are called only
// by the connection.

import { z, type ZodType } from 'zod';
import { ActionNotFoundError, codeOf, isClientFault } from '../errors';
import type { Logger } from '../log/logger';
import { encodeData, encodeMessage, encodePresenceFrame, encodePresenceInfo, quoteIdentifier } from '../protocol/codec';
import type { PresenceRecord, PresenceRequest } from '../protocol/messages';
import { actionName, resolveAction, type ActionSpec, type ActionTable } from './actions';
import { broadcastingFor, broadcastTo, type BroadcastingPart, type BroadcastTarget } from './broadcasting';
import type { ChannelHost } from './host';
import { channelName } from './naming';
import { validateParams } from './params';
import { TimerSet } from './periodic';
import { StreamSet } from './streams';
import type { StreamCallback } from '../hub/hub';

/** Per-stream features a subscription opts into (AnyCable's `stream_from name, whisper: true` and presence). */
export interface StreamOptions {
  /** Clients of this subscription may whisper on the stream: transient data to its other subscribers, never stored. */
  whisper?: boolean;
  /** Clients of this subscription may join the stream's presence set and ask who is there. */
  presence?: boolean;
}

/** A presence record as a channel lets it join: the id it is known by and the info shown to others. */
export interface PresenceEntry {
  id: string;
  info: unknown;
}

/** The whisper and presence streams a subscription has named (see Channel.streamFrom). */
interface TransientStreams {
  whisper?: string;
  presence?: string;
  joined?: string;
}

/** Largest whisper or presence info, as JSON text (bytes): transient data is for small signals, not payloads. */
export const MAX_TRANSIENT_BYTES = 4096;

/** Construction input for a channel instance. */
export interface ChannelContext<I = unknown, S = unknown> {
  host: ChannelHost<I, S>;
  identifier: string;
  /** The identifier as a JSON string literal, when the caller has it (shared by every subscription of the identifier). */
  quoted?: string;
  rawParams: Record<string, unknown>;
}

/** The static side every channel class has. */
export interface ChannelClass<C extends Channel = Channel> {
  new (ctx: ChannelContext<never, never>): C;
  readonly channel: string;
  readonly params: ZodType;
  readonly actions: ActionTable;
  readonly channelName?: string;
}

/**
 * Base class of every channel.
 * @example
 * const Params = z.object({ room: z.string().regex(/^\w{1,64}$/) })
 * const Speak = z.object({ body: z.string().min(1).max(2000) })
 * export class ChatChannel extends ApplicationChannel<z.infer<typeof Params>> {
 *   static override channel = 'ChatChannel'
 *   static override params = Params
 *   static override actions = { speak: Speak, shout: { schema: Speak, handler: 'speak' } }
 *   override subscribed() { this.streamFrom(`chat_${this.params.room}`) }
 *   async speak({ body }: z.infer<typeof Speak>) { await this.broadcast(`chat_${this.params.room}`, { body }) }
 * }
 */
export abstract class Channel<P = Record<string, unknown>, I = unknown, S = unknown> {
  /** The protocol's `{"channel": …}` value this class is registered under. */
  static channel = '';
  /** Schema of the identifier params (the whole decoded identifier, `channel` included). */
  static params: ZodType = z.looseObject({});
  /**
   * Callable actions: name → schema of its data (handled by the method of that name), or `{ schema, handler }` naming
   * the method (for an action named like a framework method, or one method serving several actions).
   */
  static actions: ActionTable = {};
  /** Rails channel_name override; defaults to the underscored `channel`. */
  static channelName?: string;

  /** Rails `SomeChannel.broadcasting_for(model)`: the name `streamFor(model)` streams, `<channel_name>:<gid param>`. */
  static broadcastingFor(this: ChannelNaming, gidApp: string, ...parts: BroadcastingPart[]): string {
    return broadcastingFor(gidApp, channelNameOf(this), ...parts);
  }

  /**
   * Rails `SomeChannel.broadcast_to(model, message)`: publish to every subscription that called `streamFor(model)`.
   * @example await NotificationChannel.broadcastTo(this.services.broadcaster, gidOf('User', userId), { type: 'ping' })
   */
  static broadcastTo(this: ChannelNaming, target: BroadcastTarget, model: BroadcastingPart, message: unknown): Promise<void> {
    return broadcastTo(target, channelNameOf(this), model, message);
  }

  /** Validated params, set before `subscribed` runs. */
  protected params!: P;
  /** The identifier string exactly as the client sent it. */
  readonly identifier: string;
  /** The decoded identifier before validation. */
  protected readonly rawParams: Record<string, unknown>;
  private readonly host: ChannelHost<I, S>;
  private readonly quoted: string;
  private readonly streamSet: StreamSet;
  /** Made by the first timer (most subscriptions have none). */
  private timers: TimerSet | undefined;
  private rejected = false;
  private live = true;
  /** Whisper and presence streams (most subscriptions have none: made when one is first named). */
  private transientOn: TransientStreams | undefined;

  constructor(ctx: ChannelContext<I, S>) {
    this.host = ctx.host;
    this.identifier = ctx.identifier;
    this.rawParams = ctx.rawParams;
    this.quoted = ctx.quoted ?? quoteIdentifier(ctx.identifier);
    this.streamSet = new StreamSet(ctx.host as ChannelHost, this.quoted);
  }

  /** The stream this subscription's client may whisper on. */
  private get whisperOn(): string | undefined {
    return this.transientOn?.whisper;
  }
  private set whisperOn(stream: string | undefined) {
    if (stream !== undefined || this.transientOn) (this.transientOn ??= {}).whisper = stream;
  }
  /** The stream whose presence set this subscription's client may use. */
  private get presenceOn(): string | undefined {
    return this.transientOn?.presence;
  }
  private set presenceOn(stream: string | undefined) {
    if (stream !== undefined || this.transientOn) (this.transientOn ??= {}).presence = stream;
  }
  /** The presence stream this subscription has joined. */
  private get joinedOn(): string | undefined {
    return this.transientOn?.joined;
  }
  private set joinedOn(stream: string | undefined) {
    if (stream !== undefined || this.transientOn) (this.transientOn ??= {}).joined = stream;
  }

  /** Runs before `subscribed` (Rails before_subscribe); a reject() here skips `subscribed` (Rails 8.2). */
  protected beforeSubscribe(): void | Promise<void> {}
  /** Called when a client subscribes; may transmit, stream, reject. */
  subscribed(): void | Promise<void> {}
  /** Called on unsubscribe and on disconnect, for every subscription. */
  unsubscribed(): void | Promise<void> {}
  /** Called when an action throws or its data is invalid; the default logs. Override to transmit an error frame. */
  rescue(error: unknown, action: string): void | Promise<void> {
    logFailure(this.logger, `${this.ctor.channel}#${action} failed`, error, { channel: this.ctor.channel, action });
  }

  /**
   * Runs before an action's entry is looked up or its data read (Rails before-action callbacks); return false to
   * refuse it, after answering the client as the channel does. The default allows every action.
   */
  protected beforeAction(_action: string, _data: Record<string, unknown>): boolean | Promise<boolean> {
    return true;
  }
  /**
   * Runs an action in the table: `run()` validates the data, calls the handler and resolves with its return value.
   * Override to shape replies (wrap the result or the failure); the default hands failures to `rescue`.
   */
  protected async around(action: string, _data: Record<string, unknown>, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (err) {
      await this.rescue(err, action);
    }
  }
  /** An action outside the table. The default logs and throws ActionNotFoundError (the client hears nothing, as in Rails). */
  protected unknownAction(action: string, _data: Record<string, unknown>): void | Promise<void> {
    this.logger.warn('action not found', { code: 'CABLE_UNKNOWN_ACTION', channel: this.ctor.channel, action: action.slice(0, 64) });
    throw new ActionNotFoundError(this.ctor.channel, action);
  }

  /**
   * The presence record a client's `join` becomes, or null to refuse it. By default the id is the connected
   * identity's (a client cannot claim another user's id; the id it sends is ignored) and the info is what it sent.
   */
  protected presenceFor(request: PresenceRequest): PresenceEntry | null {
    const handle = this.host.transient;
    return handle ? { id: handle.presenceId, info: request.info ?? null } : null;
  }

  /** Who is connected. */
  protected get identity(): I {
    return this.host.identity;
  }
  /** Application services (database, broadcaster, config). */
  protected get services(): S {
    return this.host.services;
  }
  /** Logger tagged with the connection. */
  protected get logger(): Logger {
    return this.host.logger;
  }
  /** Whether reject() was called. */
  get isRejected(): boolean {
    return this.rejected;
  }

  /** Send `message` to this subscription only. */
  protected transmit(message: unknown): void {
    // After unsubscribe (hooks included) nothing more goes out under this identifier, e.g. from an in-flight timer.
    if (!this.live) return;
    this.host.transmitFrame(encodeData(this.quoted, encodeMessage(message)));
  }
  /** Refuse the subscription; the client gets reject_subscription after `subscribed` returns. */
  protected reject(): void {
    this.rejected = true;
  }
  /**
   * Route broadcasts of `stream` to this subscription (or to `callback`, decoded). Resolves when the stream is live;
   * in `subscribed` the confirmation waits for it anyway, so the promise only matters in actions. With `options`,
   * the subscription's client may whisper on the stream and/or use its presence set (one stream each per subscription;
   * the last one named wins).
   * @example this.streamFrom(teamChannelStream(id), { whisper: true, presence: true })
   */
  protected streamFrom(stream: string, callbackOrOptions?: StreamCallback | StreamOptions): Promise<void> {
    if (typeof callbackOrOptions === 'function') return this.streamSet.add(stream, callbackOrOptions);
    if (callbackOrOptions?.whisper) this.whisperOn = stream;
    if (callbackOrOptions?.presence) this.presenceOn = stream;
    return this.streamSet.add(stream);
  }
  /** Rails `stream_for`: stream `<channel_name>:<parts>`. */
  protected streamFor(...parts: BroadcastingPart[]): Promise<void> {
    return this.streamFrom(this.broadcastingFor(...parts));
  }
  /** Rails `stream_or_reject_for`: stream for `model` when present, otherwise reject. */
  protected streamOrRejectFor(model: BroadcastingPart | null | undefined): void {
    if (model === null || model === undefined) this.reject();
    else this.streamFor(model);
  }
  /** Stop one stream. */
  protected stopStreamFrom(stream: string): void {
    this.streamSet.remove(stream);
    if (this.whisperOn === stream) this.whisperOn = undefined;
    if (this.presenceOn === stream) this.presenceOn = undefined;
    if (this.joinedOn === stream) void this.leavePresence().catch((err: unknown) => this.logger.warn('presence leave failed', { code: 'CABLE_PUBSUB_UNAVAILABLE', err }));
  }
  /** Stop the stream of `streamFor(...parts)`. */
  protected stopStreamFor(...parts: BroadcastingPart[]): void {
    this.streamSet.remove(this.broadcastingFor(...parts));
  }
  /** Stop every stream of this subscription. */
  protected stopAllStreams(): void {
    this.streamSet.clear();
    this.whisperOn = this.presenceOn = undefined;
  }
  /** Run `fn` every `everyMs` ms while subscribed. */
  protected periodically(fn: () => unknown, everyMs: number): void {
    this.timerSet().every(everyMs, fn);
  }
  /** Run `fn` once after `ms` ms unless unsubscribed first; returns a function that cancels it. */
  protected after(ms: number, fn: () => unknown): () => void {
    return this.timerSet().after(ms, fn);
  }
  /** Join this subscription's presence stream from the server (as `presenceFor` would shape a client's join). */
  protected async joinPresence(info: unknown = null, id?: string): Promise<void> {
    const entry = id === undefined ? this.presenceFor({ info }) : { id, info };
    if (entry) await this.enterPresence(entry);
  }
  /** Leave this subscription's presence stream. */
  protected async leavePresence(): Promise<void> {
    const stream = this.joinedOn;
    this.joinedOn = undefined;
    if (stream !== undefined) await this.host.transient?.leave(stream);
  }
  /** Rails `broadcasting_for` with this channel's name. */
  protected broadcastingFor(...parts: BroadcastingPart[]): string {
    return broadcastingFor(this.host.gidApp, channelNameOf(this.ctor), ...parts);
  }
  /** Broadcast `message` (encoded once) to `stream` (Rails `ActionCable.server.broadcast`). */
  protected broadcast(stream: string, message: unknown): Promise<void> {
    return this.host.broadcast(stream, message);
  }
  /** Names of the streams this subscription holds. */
  get streamNames(): string[] {
    return this.streamSet.names();
  }

  private get ctor(): ChannelClass {
    return this.constructor as unknown as ChannelClass;
  }

  /** Framework driver: validate params, run `subscribed`, wait for streams. Returns true when confirmed. */
  async subscribeToChannel(): Promise<boolean> {
    try {
      this.params = validateParams(this.ctor.params, this.rawParams) as P;
      await this.beforeSubscribe();
      if (!this.rejected) await this.subscribed();
      if (!this.rejected) await this.streamSet.settle();
    } catch (err) {
      logFailure(this.logger, isClientFault(err) ? 'subscription rejected' : 'subscription failed', err, { channel: this.ctor.channel });
      this.rejected = true;
    }
    if (this.rejected) await this.unsubscribeFromChannel();
    return !this.rejected;
  }

  /** Framework driver: run the action named by `data.action` (or `receive`): beforeAction, then around or unknownAction. */
  async performAction(data: Record<string, unknown>): Promise<void> {
    const action = actionName(data);
    if (!(await this.beforeAction(action, data))) return;
    const spec = resolveAction(this.ctor.actions, action);
    if (!spec) return this.unknownAction(action, data);
    await this.around(action, data, () => this.invoke(spec, action, data));
  }

  /** Framework driver: run `unsubscribed`, then stop streams and timers (Rails after-unsubscribe callbacks). */
  async unsubscribeFromChannel(): Promise<void> {
    // An explicit unsubscribe leaves the presence set now; a closed socket (already detached) leaves after the TTL.
    const leaving = this.live ? this.leavePresence().catch((err: unknown) => this.logger.warn('presence leave failed', { code: 'CABLE_PUBSUB_UNAVAILABLE', err })) : undefined;
    try {
      await this.unsubscribed();
    } catch (err) {
      this.logger.error('unsubscribed hook failed', { code: 'CABLE_CHANNEL_ERROR', channel: this.ctor.channel, err });
    } finally {
      this.detach();
    }
    await leaving;
  }

  /** Framework driver: the client's `whisper`, sent to the other subscribers of the whisper stream. */
  async whisperCommand(data: unknown): Promise<void> {
    const handle = this.host.transient;
    if (!handle || this.whisperOn === undefined) return this.refuseTransient('whisper on a subscription without a whisper stream');
    if (!withinTransientSize(data)) return this.refuseTransient('whisper too large');
    await handle.whisper(this.whisperOn, data);
  }

  /** Framework driver: the client's `join` (or a subscribe carrying `presence`). */
  async joinCommand(request: PresenceRequest): Promise<void> {
    if (!this.host.transient || this.presenceOn === undefined) return this.refuseTransient('join on a subscription without a presence stream');
    if (!withinTransientSize(request.info ?? null)) return this.refuseTransient('presence info too large');
    const entry = this.presenceFor(request);
    if (!entry) return this.refuseTransient('presence refused by the channel');
    await this.enterPresence(entry);
  }

  /** Framework driver: the client's `leave`. */
  async leaveCommand(): Promise<void> {
    await this.leavePresence();
  }

  /** Framework driver: the client's `presence`: answers who is present (or an error frame when it cannot). */
  async presenceCommand(): Promise<void> {
    const handle = this.host.transient;
    if (!handle || this.presenceOn === undefined) this.refuseTransient('presence on a subscription without a presence stream');
    const records: PresenceRecord[] | null = handle && this.presenceOn !== undefined ? await handle.records(this.presenceOn) : null;
    if (this.live) this.host.transmitFrame(encodePresenceFrame(this.quoted, encodePresenceInfo(records)));
  }

  /** Framework driver: stop streams and timers now and send nothing more (used at once when the socket closes). */
  detach(): void {
    this.live = false;
    this.stopAllStreams();
    this.timers?.clear();
  }

  /** The subscription's timers, made on first use; stopped already when it was detached before. */
  private timerSet(): TimerSet {
    if (this.timers) return this.timers;
    this.timers = new TimerSet(this.host.logger);
    if (!this.live) this.timers.clear();
    return this.timers;
  }

  private async enterPresence(entry: PresenceEntry): Promise<void> {
    const handle = this.host.transient;
    const stream = this.presenceOn;
    if (!handle || stream === undefined || !this.live) return;
    this.joinedOn = stream;
    await handle.join(stream, entry.id, entry.info);
  }

  private refuseTransient(reason: string): void {
    this.logger.debug('transient command ignored', { code: 'CABLE_TRANSIENT_REFUSED', channel: this.ctor.channel, reason });
  }

  /** Validate `data` against the spec's schema and call its handler with the input and the action name. */
  private async invoke(spec: ActionSpec, action: string, data: Record<string, unknown>): Promise<unknown> {
    const input = validateParams(spec.schema, data);
    const method = (this as unknown as Record<string, unknown>)[spec.handler];
    if (typeof method !== 'function') throw new ActionNotFoundError(this.ctor.channel, action);
    return method.call(this, input, action);
  }
}

/** What names a channel class: its protocol `channel` and optional Rails channel_name override. */
export interface ChannelNaming {
  readonly channel: string;
  readonly channelName?: string;
}

/** The Rails channel_name of a channel class. */
export function channelNameOf(cls: ChannelNaming): string {
  return cls.channelName ?? channelName(cls.channel);
}


/** Whether `value` encodes to at most MAX_TRANSIENT_BYTES of JSON. */
function withinTransientSize(value: unknown): boolean {
  const text = JSON.stringify(value ?? null);
  return text.length <= MAX_TRANSIENT_BYTES && Buffer.byteLength(text) <= MAX_TRANSIENT_BYTES;
}

/** Client-caused failures at warn with their message only; server faults at error with the stack. */
export function logFailure(logger: Logger, msg: string, err: unknown, fields: Record<string, unknown>): void {
  if (isClientFault(err)) logger.warn(msg, { code: codeOf(err), ...fields, reason: (err as Error).message });
  else logger.error(msg, { code: codeOf(err), ...fields, err });
}
