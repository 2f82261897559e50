// The subscriptions of one connection (Rails Connection::Subscriptions): routes subscribe / message / unsubscribe to
// channel instances keyed by the raw identifier string and returns what should happen as data (CommandResult: the
// frames to write in order, the streams that came and went); the connection applies it. A subscribe's frames (what
// `subscribed` transmitted, then the confirmation) are all in its result, so a silent restore can drop them; during
// an action, frames are written at once (a reply must precede the broadcasts the action makes). Unknown or broken
// input is logged with a reason code and never answered, except that an unknown channel gets reject_subscription.

import type { ChannelHost, StreamHandle, StreamTarget, TransientHandle } from '../channel/host';
import type { Channel } from '../channel/base';
import type { ChannelRegistry } from '../channel/registry';
import { CableError, ProtocolError } from '../errors';
import { encodeSubscriptionFrame, quoteIdentifier } from '../protocol/codec';
import { parseIdentifier } from '../protocol/identifier';
import { DEFAULT_MAX_JSON_DEPTH, parseBoundedJson } from '../protocol/json-depth';

/** Result of a subscribe command. */
export type SubscribeOutcome = 'confirmed' | 'rejected' | 'duplicate';

/** What a command did, for the connection to apply: frames to write (in order) and stream changes. */
export interface CommandResult {
  outcome?: SubscribeOutcome;
  frames: string[];
  streamsAdded: string[];
  streamsRemoved: string[];
}

/** Told about subscriptions as they come and go (metrics); channel names are registered ones or `unknown`. */
export interface SubscriptionObserver {
  subscribed(channel: string, seconds: number): void;
  /** `who` names the caller (`user:<id>`, `worker:<id>`) when it is known. */
  subscriptionRejected(channel: string, seconds: number, who?: string): void;
  unsubscribed(channel: string): void;
}

/** Per-connection bounds. */
export interface SubscriptionLimits {
  maxSubscriptions: number;
  maxIdentifierBytes: number;
  /** Deepest JSON nesting of identifiers and action data (CABLE_MAX_JSON_DEPTH). */
  maxJsonDepth?: number;
}

const UNLIMITED: SubscriptionLimits = { maxSubscriptions: Infinity, maxIdentifierBytes: Infinity };

const result = (outcome?: SubscribeOutcome): CommandResult => ({ outcome, frames: [], streamsAdded: [], streamsRemoved: [] });

/** A live subscription: its channel instance and the host it was built with. */
interface Subscribed {
  channel: Channel;
  host: SubscriptionHost;
}

/** Per-connection registry of channel instances. */
export class Subscriptions {
  private readonly map = new Map<string, Subscribed>();
  /** The command running now and the subscription it is for: that subscription's stream changes (and, for a subscribe, its frames) go into it. */
  private current: { host: SubscriptionHost; result: CommandResult; collect: boolean } | undefined;

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly host: ChannelHost,
    private readonly limits: SubscriptionLimits = UNLIMITED,
    private readonly observer?: SubscriptionObserver,
  ) {}

  /** Handle `subscribe`: duplicate → nothing; unknown channel or invalid identifier → reject; else run the channel. */
  async subscribe(identifier: string): Promise<CommandResult> {
    if (this.map.has(identifier)) {
      this.host.logger.debug('duplicate subscribe ignored', { code: 'CABLE_ALREADY_SUBSCRIBED' });
      return result('duplicate');
    }
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const quoted = quoteIdentifier(identifier);
    const host = new SubscriptionHost(this, this.host);
    const channel = this.withinLimits(identifier) ? this.instantiate(identifier, host) : undefined;
    if (!channel) {
      this.observer?.subscriptionRejected('unknown', seconds(), whoOf(this.host));
      return { ...result('rejected'), frames: [encodeSubscriptionFrame(quoted, 'reject_subscription')] };
    }
    // Registered before `subscribed` runs, as Rails does, so state is found by later commands.
    this.map.set(identifier, { channel, host });
    const out = await this.during(host, () => channel.subscribeToChannel(), true);
    if (!out.value) {
      this.map.delete(identifier);
      this.observer?.subscriptionRejected(nameOf(channel), seconds(), whoOf(this.host));
      return { ...out.result, outcome: 'rejected', frames: [...out.result.frames, encodeSubscriptionFrame(quoted, 'reject_subscription')] };
    }
    // Sent only now: every stream of the subscription is live in pub/sub (Rails deferred confirmation).
    this.observer?.subscribed(nameOf(channel), seconds());
    return { ...out.result, outcome: 'confirmed', frames: [...out.result.frames, encodeSubscriptionFrame(quoted, 'confirm_subscription')] };
  }

  /** Handle `message`: decode `data` and run the action; every failure is logged only. */
  async perform(identifier: string, data: string): Promise<CommandResult> {
    const target = this.map.get(identifier) ?? this.bareChannelTarget(identifier) ?? this.find(identifier, 'message');
    const decoded = target && this.decodeData(data);
    if (!target || !decoded) return result();
    const { channel, host } = target;
    const out = await this.during(host, async () => {
      try {
        await channel.performAction(decoded);
      } catch (err) {
        if (!(err instanceof CableError)) this.host.logger.error('action failed', { code: 'CABLE_CHANNEL_ERROR', err });
      }
    });
    return out.result;
  }

  /** Handle `unsubscribe`: run `unsubscribed`, stop streams and timers, forget the identifier. */
  async unsubscribe(identifier: string): Promise<CommandResult> {
    const target = this.find(identifier, 'unsubscribe');
    if (!target) return result();
    this.map.delete(identifier);
    this.observer?.unsubscribed(nameOf(target.channel));
    return (await this.during(target.host, () => target.channel.unsubscribeFromChannel())).result;
  }

  /** Stop every subscription's streams and timers at once (socket closed); hooks run later in unsubscribeAll. */
  detachAll(): void {
    for (const { channel } of this.map.values()) channel.detach();
  }

  /** Unsubscribe every subscription (on disconnect). */
  async unsubscribeAll(): Promise<void> {
    const channels = [...this.map.values()].map((s) => s.channel);
    this.map.clear();
    for (const channel of channels) this.observer?.unsubscribed(nameOf(channel));
    for (const channel of channels) await channel.unsubscribeFromChannel();
  }

  /** The channel instance for `identifier`, if subscribed. */
  get(identifier: string): Channel | undefined {
    return this.map.get(identifier)?.channel;
  }

  /** Identifiers currently subscribed. */
  identifiers(): string[] {
    return [...this.map.keys()];
  }

  /** Number of subscriptions. */
  get size(): number {
    return this.map.size;
  }

  /** A frame written by a subscription's channel: into the running command's result when it is for that subscription. */
  route(host: SubscriptionHost, text: string): void {
    if (this.current?.host === host && this.current.collect) this.current.result.frames.push(text);
    else this.host.transmitFrame(text);
  }

  /** A stream change of a subscription: recorded in the running command's result when it is for that subscription. */
  recordStream(host: SubscriptionHost, stream: string, added: boolean): void {
    if (this.current?.host !== host) return;
    (added ? this.current.result.streamsAdded : this.current.result.streamsRemoved).push(stream);
  }

  /** Run `fn` as the command of `host`'s subscription, recording its stream changes (and its frames when `collect`). */
  private async during<T>(host: SubscriptionHost, fn: () => Promise<T>, collect = false): Promise<{ value: T; result: CommandResult }> {
    const current = { host, result: result(), collect };
    this.current = current;
    try {
      return { value: await fn(), result: current.result };
    } finally {
      if (this.current === current) this.current = undefined;
    }
  }

  private decodeData(data: string): Record<string, unknown> | undefined {
    let decoded: unknown;
    try {
      decoded = parseBoundedJson(data, this.depth);
    } catch (err) {
      if (err instanceof CableError) this.host.logger.warn('message data nested too deeply', { code: err.code });
      else this.host.logger.warn('message data is not JSON', { code: 'CABLE_MALFORMED_COMMAND' });
      return undefined;
    }
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
      this.host.logger.warn('message data is not a JSON object', { code: 'CABLE_MALFORMED_COMMAND' });
      return undefined;
    }
    return decoded as Record<string, unknown>;
  }

  /**
   * Powernode's WebSocketManager sends some actions with the bare identifier `{"channel":"X"}` while it subscribed
   * `{"channel":"X","account_id":…}` (docs/original-differences.md). When the connection holds exactly one
   * subscription of X, the action goes to it; its own authorization applies. Anything else stays unknown.
   */
  private bareChannelTarget(identifier: string): Subscribed | undefined {
    let parsed: ReturnType<typeof parseIdentifier>;
    try {
      parsed = parseIdentifier(identifier, this.depth);
    } catch {
      return undefined;
    }
    if (Object.keys(parsed.params).length !== 1) return undefined;
    const matches = [...this.map.values()].filter((s) => nameOf(s.channel) === parsed.channel);
    if (matches.length !== 1) return undefined;
    this.host.logger.debug('bare-identifier message routed to the only subscription of its channel', { channel: parsed.channel });
    return matches[0];
  }

  private get depth(): number {
    return this.limits.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  }

  private withinLimits(identifier: string): boolean {
    if (Buffer.byteLength(identifier) > this.limits.maxIdentifierBytes) {
      this.host.logger.warn('identifier too large', { code: 'CABLE_INVALID_IDENTIFIER', bytes: Buffer.byteLength(identifier) });
      return false;
    }
    if (this.map.size >= this.limits.maxSubscriptions) {
      this.host.logger.warn('too many subscriptions on one connection', { code: 'CABLE_TOO_MANY_SUBSCRIPTIONS', limit: this.limits.maxSubscriptions });
      return false;
    }
    return true;
  }

  private find(identifier: string, command: string): Subscribed | undefined {
    const target = this.map.get(identifier);
    if (!target) this.host.logger.warn(`${command} for unknown subscription`, { code: 'CABLE_UNKNOWN_SUBSCRIPTION' });
    return target;
  }

  private instantiate(identifier: string, host: SubscriptionHost): Channel | undefined {
    try {
      const { channel, params } = parseIdentifier(identifier, this.depth);
      const cls = this.registry.lookup(channel);
      if (!cls) {
        this.host.logger.warn('subscription class not found', { code: 'CABLE_CHANNEL_NOT_FOUND', channel: channel.slice(0, 100) });
        return undefined;
      }
      return new cls({ host: host as unknown as ChannelHost<never, never>, identifier, rawParams: params });
    } catch (err) {
      const code = err instanceof ProtocolError ? err.code : 'CABLE_CHANNEL_ERROR';
      this.host.logger.warn('invalid subscribe', { code, err: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  }
}

/** One subscription's view of its connection: frames and stream changes are routed through the Subscriptions. */
export class SubscriptionHost implements ChannelHost {
  readonly streams: StreamHandle;

  constructor(private readonly subs: Subscriptions, private readonly connection: ChannelHost) {
    const base = connection.streams;
    this.streams = {
      attach: (stream: string, target: StreamTarget) => {
        const live = base.attach(stream, target);
        subs.recordStream(this, stream, true);
        return live;
      },
      detach: (stream: string, target: StreamTarget) => {
        base.detach(stream, target);
        subs.recordStream(this, stream, false);
      },
    };
  }

  get identity(): unknown {
    return this.connection.identity;
  }
  get services(): unknown {
    return this.connection.services;
  }
  get logger() {
    return this.connection.logger;
  }
  get gidApp(): string {
    return this.connection.gidApp;
  }
  get transient(): TransientHandle | undefined {
    return this.connection.transient;
  }
  transmitFrame(text: string): void {
    this.subs.route(this, text);
  }
  broadcast(stream: string, message: unknown): Promise<void> {
    return this.connection.broadcast(stream, message);
  }
}

/** The registered name of a channel instance's class. */
function nameOf(channel: Channel): string {
  return (channel.constructor as { channel?: string }).channel ?? 'unknown';
}

/** `user:<id>` / `worker:<id>` for a connected identity (the operator dashboard's list of refused subscribes). */
function whoOf(host: ChannelHost): string | undefined {
  let i: { kind?: string; userId?: string; workerId?: string } | undefined;
  try {
    i = host.identity as typeof i;
  } catch {
    return undefined;
  }
  if (i?.kind === 'user') return `user:${i.userId}`;
  if (i?.kind === 'worker') return `worker:${i.workerId}`;
  return undefined;
}
