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
import { parsedIdentifier, sharedIdentifier, type SharedIdentifier } from './identifiers';

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

/** Subscriptions a connection keeps in an exact-size array before it switches to a Map. */
const FEW = 8;

/**
 * A connection's subscriptions by identifier (in subscribe order): an exact-size array of hosts while there are a few
 * (a connection usually holds one to a handful, and a Map's table is larger than the hosts), a Map beyond. Kept in a
 * field of Subscriptions and changed through these functions (not an object of its own: one exists per socket).
 */
type HostTable = SubscriptionHost[] | Map<string, SubscriptionHost>;

/** The empty table (shared: tables are copied, never changed in place, while they are arrays). */
const NONE: SubscriptionHost[] = [];

function hostOf(table: HostTable, identifier: string): SubscriptionHost | undefined {
  if (table instanceof Map) return table.get(identifier);
  for (const host of table) if (host.identifier === identifier) return host;
  return undefined;
}

/** The table with `host` (its channel set, its identifier not present) added. */
function withHost(table: HostTable, host: SubscriptionHost): HostTable {
  if (table instanceof Map) return table.set(host.identifier, host);
  // Copies of exact size (concat): pushing, or spreading into a literal, reserves room for 17 entries.
  if (table.length < FEW) return table.concat([host]);
  return new Map([...table, host].map((h) => [h.identifier, h]));
}

/** The table without `identifier`. */
function withoutHost(table: HostTable, identifier: string): HostTable {
  if (table instanceof Map) {
    table.delete(identifier);
    return table;
  }
  const at = table.findIndex((h) => h.identifier === identifier);
  if (at < 0) return table;
  if (table.length === 1) return NONE;
  const rest = table.slice();
  rest.splice(at, 1);
  return rest;
}

function hostsOf(table: HostTable): SubscriptionHost[] {
  return table instanceof Map ? [...table.values()] : [...table];
}

/** Per-connection registry of channel instances (each held through the host it was built with). */
export class Subscriptions {
  private table: HostTable = NONE;
  /** The command running now and the subscription it is for: that subscription's stream changes (and, for a subscribe, its frames) go into it. */
  private current: { host: SubscriptionHost; result: CommandResult; collect: boolean } | undefined;

  constructor(
    private readonly registry: ChannelRegistry,
    /** The connection (its ChannelHost). */
    readonly host: ChannelHost,
    private readonly limits: SubscriptionLimits = UNLIMITED,
    private readonly observer?: SubscriptionObserver,
  ) {}

  /** Handle `subscribe`: duplicate → nothing; unknown channel or invalid identifier → reject; else run the channel. */
  async subscribe(identifier: string): Promise<CommandResult> {
    if (hostOf(this.table, identifier) !== undefined) {
      this.host.logger.debug('duplicate subscribe ignored', { code: 'CABLE_ALREADY_SUBSCRIBED' });
      return result('duplicate');
    }
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    // Within the limits, the identifier and its quoted form are the process's shared copies.
    const shared = this.withinLimits(identifier) ? sharedIdentifier(identifier) : undefined;
    const quoted = shared?.quoted ?? quoteIdentifier(identifier);
    const host = new SubscriptionHost(this);
    const channel = shared && this.instantiate(shared, host);
    if (!channel || !shared) {
      this.observer?.subscriptionRejected('unknown', seconds(), whoOf(this.host));
      return { ...result('rejected'), frames: [encodeSubscriptionFrame(quoted, 'reject_subscription')] };
    }
    // Registered before `subscribed` runs, as Rails does, so state is found by later commands.
    host.channel = channel;
    this.table = withHost(this.table, host);
    const out = await this.during(host, () => channel.subscribeToChannel(), true);
    if (!out.value) {
      this.table = withoutHost(this.table, identifier);
      this.observer?.subscriptionRejected(nameOf(channel), seconds(), whoOf(this.host));
      return { ...out.result, outcome: 'rejected', frames: [...out.result.frames, encodeSubscriptionFrame(quoted, 'reject_subscription')] };
    }
    // Sent only now: every stream of the subscription is live in pub/sub (Rails deferred confirmation).
    this.observer?.subscribed(nameOf(channel), seconds());
    return { ...out.result, outcome: 'confirmed', frames: [...out.result.frames, encodeSubscriptionFrame(quoted, 'confirm_subscription')] };
  }

  /** Handle `message`: decode `data` and run the action; every failure is logged only. */
  async perform(identifier: string, data: string): Promise<CommandResult> {
    const host = hostOf(this.table, identifier) ?? this.bareChannelTarget(identifier) ?? this.find(identifier, 'message');
    const decoded = host && this.decodeData(data);
    if (!host || !decoded) return result();
    const channel = host.channel as Channel;
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
    const host = this.find(identifier, 'unsubscribe');
    if (!host) return result();
    const channel = host.channel as Channel;
    this.table = withoutHost(this.table, identifier);
    this.observer?.unsubscribed(nameOf(channel));
    return (await this.during(host, () => channel.unsubscribeFromChannel())).result;
  }

  /** Stop every subscription's streams and timers at once (socket closed); hooks run later in unsubscribeAll. */
  detachAll(): void {
    for (const { channel } of hostsOf(this.table)) channel?.detach();
  }

  /** Unsubscribe every subscription (on disconnect). */
  async unsubscribeAll(): Promise<void> {
    const channels = hostsOf(this.table).map((s) => s.channel as Channel);
    this.table = NONE;
    for (const channel of channels) this.observer?.unsubscribed(nameOf(channel));
    for (const channel of channels) await channel.unsubscribeFromChannel();
  }

  /** The channel instance for `identifier`, if subscribed. */
  get(identifier: string): Channel | undefined {
    return hostOf(this.table, identifier)?.channel;
  }

  /** Identifiers currently subscribed. */
  identifiers(): string[] {
    return hostsOf(this.table).map((h) => h.identifier);
  }

  /** Number of subscriptions. */
  get size(): number {
    return this.table instanceof Map ? this.table.size : this.table.length;
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
  private bareChannelTarget(identifier: string): SubscriptionHost | undefined {
    let parsed: ReturnType<typeof parseIdentifier>;
    try {
      parsed = parseIdentifier(identifier, this.depth);
    } catch {
      return undefined;
    }
    if (Object.keys(parsed.params).length !== 1) return undefined;
    const matches = hostsOf(this.table).filter((s) => nameOf(s.channel as Channel) === parsed.channel);
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
    if (this.size >= this.limits.maxSubscriptions) {
      this.host.logger.warn('too many subscriptions on one connection', { code: 'CABLE_TOO_MANY_SUBSCRIPTIONS', limit: this.limits.maxSubscriptions });
      return false;
    }
    return true;
  }

  private find(identifier: string, command: string): SubscriptionHost | undefined {
    const target = hostOf(this.table, identifier);
    if (!target) this.host.logger.warn(`${command} for unknown subscription`, { code: 'CABLE_UNKNOWN_SUBSCRIPTION' });
    return target;
  }

  private instantiate(shared: SharedIdentifier, host: SubscriptionHost): Channel | undefined {
    const { identifier, quoted } = shared;
    try {
      const { channel, params } = parsedIdentifier(shared, this.depth);
      const cls = this.registry.lookup(channel);
      if (!cls) {
        this.host.logger.warn('subscription class not found', { code: 'CABLE_CHANNEL_NOT_FOUND', channel: channel.slice(0, 100) });
        return undefined;
      }
      return new cls({ host: host as unknown as ChannelHost<never, never>, identifier, quoted, rawParams: params });
    } catch (err) {
      const code = err instanceof ProtocolError ? err.code : 'CABLE_CHANNEL_ERROR';
      this.host.logger.warn('invalid subscribe', { code, err: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  }
}


/**
 * One subscription's view of its connection: frames and stream changes are routed through the Subscriptions. It is
 * its own stream handle (methods, not closures: one exists per subscription) and holds the subscription's channel.
 */
export class SubscriptionHost implements ChannelHost, StreamHandle {
  /** The channel instance built with this host (set right after it is). */
  channel: Channel | undefined = undefined;

  /** The identifier of the subscription (its channel's). */
  get identifier(): string {
    return (this.channel as Channel).identifier;
  }

  constructor(private readonly subs: Subscriptions) {}

  /** The connection, through the Subscriptions (not a field of each host). */
  private get connection(): ChannelHost {
    return this.subs.host;
  }

  get streams(): StreamHandle {
    return this;
  }

  attach(stream: string, target: StreamTarget): Promise<void> {
    const live = this.connection.streams.attach(stream, target);
    this.subs.recordStream(this, stream, true);
    return live;
  }

  detach(stream: string, target: StreamTarget): void {
    this.connection.streams.detach(stream, target);
    this.subs.recordStream(this, stream, false);
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
