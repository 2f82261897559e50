// The subscriptions of one connection (Rails Connection::Subscriptions): routes subscribe / message /
// unsubscribe to channel instances keyed by the raw identifier string. Unknown or broken input is logged
// with a reason code and never answered, except that an unknown channel gets reject_subscription.

import type { ChannelHost } from '../channel/host';
import type { Channel } from '../channel/base';
import type { ChannelRegistry } from '../channel/registry';
import { CableError, ProtocolError } from '../errors';
import { encodeSubscriptionFrame, quoteIdentifier } from '../protocol/codec';
import { parseIdentifier } from '../protocol/identifier';
import { DEFAULT_MAX_JSON_DEPTH, parseBoundedJson } from '../protocol/json-depth';

/** Result of a subscribe command. */
export type SubscribeOutcome = 'confirmed' | 'rejected' | 'duplicate';

/** Told about subscriptions as they come and go (metrics); channel names are registered ones or `unknown`. */
export interface SubscriptionObserver {
  confirmed(channel: string, seconds: number): void;
  rejected(channel: string, seconds: number): void;
  removed(channel: string): void;
}

/** Per-connection bounds. */
export interface SubscriptionLimits {
  maxSubscriptions: number;
  maxIdentifierBytes: number;
  /** Deepest JSON nesting of identifiers and action data (CABLE_MAX_JSON_DEPTH). */
  maxJsonDepth?: number;
}

const UNLIMITED: SubscriptionLimits = { maxSubscriptions: Infinity, maxIdentifierBytes: Infinity };

/** Per-connection registry of channel instances. */
export class Subscriptions {
  private readonly map = new Map<string, Channel>();

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly host: ChannelHost,
    private readonly limits: SubscriptionLimits = UNLIMITED,
    private readonly observer?: SubscriptionObserver,
  ) {}

  /** Handle `subscribe`: duplicate → nothing; unknown channel or invalid identifier → reject; else run the channel. */
  async subscribe(identifier: string): Promise<SubscribeOutcome> {
    if (this.map.has(identifier)) {
      this.host.logger.debug('duplicate subscribe ignored', { code: 'CABLE_ALREADY_SUBSCRIBED' });
      return 'duplicate';
    }
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const quoted = quoteIdentifier(identifier);
    const channel = this.withinLimits(identifier) ? this.instantiate(identifier) : undefined;
    if (!channel) {
      this.host.transmitFrame(encodeSubscriptionFrame(quoted, 'reject_subscription'));
      this.observer?.rejected('unknown', seconds());
      return 'rejected';
    }
    // Registered before `subscribed` runs, as Rails does, so state is found by later commands.
    this.map.set(identifier, channel);
    const confirmed = await channel.subscribeToChannel();
    if (!confirmed) {
      this.map.delete(identifier);
      this.host.transmitFrame(encodeSubscriptionFrame(quoted, 'reject_subscription'));
      this.observer?.rejected(nameOf(channel), seconds());
      return 'rejected';
    }
    // Sent only now: every stream of the subscription is live in pub/sub (Rails deferred confirmation).
    this.host.transmitFrame(encodeSubscriptionFrame(quoted, 'confirm_subscription'));
    this.observer?.confirmed(nameOf(channel), seconds());
    return 'confirmed';
  }

  /** Handle `message`: decode `data` and run the action; every failure is logged only. */
  async perform(identifier: string, data: string): Promise<void> {
    const channel = this.map.get(identifier) ?? this.bareChannelTarget(identifier) ?? this.find(identifier, 'message');
    if (!channel) return;
    let decoded: unknown;
    try {
      decoded = parseBoundedJson(data, this.depth);
    } catch (err) {
      if (err instanceof CableError) this.host.logger.warn('message data nested too deeply', { code: err.code });
      else this.host.logger.warn('message data is not JSON', { code: 'CABLE_MALFORMED_COMMAND' });
      return;
    }
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
      this.host.logger.warn('message data is not a JSON object', { code: 'CABLE_MALFORMED_COMMAND' });
      return;
    }
    try {
      await channel.performAction(decoded as Record<string, unknown>);
    } catch (err) {
      if (!(err instanceof CableError)) this.host.logger.error('action failed', { code: 'CABLE_CHANNEL_ERROR', err });
    }
  }

  /** Handle `unsubscribe`: run `unsubscribed`, stop streams and timers, forget the identifier. */
  async unsubscribe(identifier: string): Promise<void> {
    const channel = this.find(identifier, 'unsubscribe');
    if (!channel) return;
    this.map.delete(identifier);
    this.observer?.removed(nameOf(channel));
    await channel.unsubscribeFromChannel();
  }

  /** Stop every subscription's streams and timers at once (socket closed); hooks run later in unsubscribeAll. */
  detachAll(): void {
    for (const channel of this.map.values()) channel.detach();
  }

  /** Unsubscribe every subscription (on disconnect). */
  async unsubscribeAll(): Promise<void> {
    const channels = [...this.map.values()];
    this.map.clear();
    for (const channel of channels) this.observer?.removed(nameOf(channel));
    for (const channel of channels) await channel.unsubscribeFromChannel();
  }

  /** The channel instance for `identifier`, if subscribed. */
  get(identifier: string): Channel | undefined {
    return this.map.get(identifier);
  }

  /** Identifiers currently subscribed. */
  identifiers(): string[] {
    return [...this.map.keys()];
  }

  /** Number of subscriptions. */
  get size(): number {
    return this.map.size;
  }

  /**
   * Powernode's WebSocketManager sends some actions with the bare identifier `{"channel":"X"}` while it subscribed
   * `{"channel":"X","account_id":…}` (powernode-channels.md §6.3). When the connection holds exactly one
   * subscription of X, the action goes to it; its own authorization applies. Anything else stays unknown.
   */
  private bareChannelTarget(identifier: string): Channel | undefined {
    let parsed: ReturnType<typeof parseIdentifier>;
    try {
      parsed = parseIdentifier(identifier, this.depth);
    } catch {
      return undefined;
    }
    if (Object.keys(parsed.params).length !== 1) return undefined;
    const matches = [...this.map.values()].filter((ch) => (ch.constructor as { identifier?: string }).identifier === parsed.channel);
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

  private find(identifier: string, command: string): Channel | undefined {
    const channel = this.map.get(identifier);
    if (!channel) this.host.logger.warn(`${command} for unknown subscription`, { code: 'CABLE_UNKNOWN_SUBSCRIPTION' });
    return channel;
  }

  private instantiate(identifier: string): Channel | undefined {
    try {
      const { channel, params } = parseIdentifier(identifier, this.depth);
      const cls = this.registry.lookup(channel);
      if (!cls) {
        this.host.logger.warn('subscription class not found', { code: 'CABLE_CHANNEL_NOT_FOUND', channel: channel.slice(0, 100) });
        return undefined;
      }
      return new cls({ host: this.host as ChannelHost<never, never>, identifier, rawParams: params });
    } catch (err) {
      const code = err instanceof ProtocolError ? err.code : 'CABLE_CHANNEL_ERROR';
      this.host.logger.warn('invalid subscribe', { code, err: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  }
}

/** The registered name of a channel instance's class. */
function nameOf(channel: Channel): string {
  return (channel.constructor as { identifier?: string }).identifier ?? 'unknown';
}
