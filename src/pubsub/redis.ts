// Redis pub/sub, byte-compatible with Rails' redis adapter: PUBLISH/SUBSCRIBE `<prefix>:<stream>` with the JSON
// payload verbatim, two connections per process (publisher/commands and subscriber), also with history on. The ONLY
// module that loads ioredis (on demand), and it owns outage handling: local handlers survive, broadcasts fail fast,
// every live stream is resubscribed on return.

import type { Redis, RedisOptions } from 'ioredis';
import type { AdapterStatus, MessageHandler, PubSubAdapter } from './adapter';
import { SubscriberMap } from './subscriber-map';
import { BroadcastFailedError, PubSubUnavailableError, errorText } from '../errors';
import type { Logger } from '../log/logger';
import { silentLogger } from '../log/logger';

/** Rails' bootstrap channel, subscribed unprefixed by every Action Cable process (R:subscription_adapter/redis.rb). */
export const INTERNAL_CHANNEL = '_action_cable_internal';

/** Settings of a RedisAdapter. */
export interface RedisAdapterOptions {
  /** `redis://[user:pass@]host:port[/db]`. */
  url: string;
  /** Rails `channel_prefix`; joined to every stream with ':' (empty → bare stream names). */
  channelPrefix?: string;
  logger?: Logger;
  /** Longest pause between reconnect attempts, in ms (default 5000). */
  maxRetryDelayMs?: number;
  /** How long one command may take before it fails, in ms (default 2000). */
  commandTimeoutMs?: number;
  /** How long createRedisAdapter waits for the first connection before starting unhealthy, in ms (default 5000). */
  connectTimeoutMs?: number;
}

/** The Redis channel Rails uses for `stream`: `<prefix>:<stream>`, or the bare stream without a prefix. */
export function prefixedChannel(prefix: string, stream: string): string {
  return prefix ? `${prefix}:${stream}` : stream;
}

/** Exponential reconnect backoff (100 ms, 200 ms, …) capped at `maxMs`; never gives up. */
export function reconnectDelay(attempt: number, maxMs = 5000): number {
  return Math.min(100 * 2 ** Math.min(attempt - 1, 16), maxMs);
}

/** Whether `pubsub` is the Redis adapter (a broker can keep history on its connections). */
export function isRedisAdapter(pubsub: PubSubAdapter): pubsub is RedisAdapter {
  return pubsub instanceof RedisAdapter;
}

/** Pub/sub over Redis; see the file header for the wire format and outage behaviour. */
export class RedisAdapter implements PubSubAdapter {
  readonly name = 'redis';
  private readonly map = new SubscriberMap();
  private readonly live = new Map<string, Promise<void>>();
  /** Rails `channel_prefix` (empty: bare stream names). */
  readonly prefix: string;
  private readonly logger: Logger;
  private resubscribing: Promise<void> = Promise.resolve();
  /** down: no connection · resubscribing: connected, bulk SUBSCRIBE in flight · live: every stream acknowledged. */
  private state: 'down' | 'resubscribing' | 'live' = 'down';
  private reportedHealthy: boolean | null = null;
  private started = false;
  private closed = false;

  /** `publisher` also runs the history layer's commands (EVAL, XRANGE, …): a broker uses two connections, not three. */
  constructor(readonly publisher: Redis, private readonly subscriber: Redis, options: { channelPrefix?: string; logger?: Logger } = {}) {
    this.prefix = options.channelPrefix ?? '';
    this.logger = options.logger ?? silentLogger;
    subscriber.on('message', (channel: string, payload: string) => this.onMessage(channel, payload));
    subscriber.on('ready', () => this.onSubscriberReady());
    subscriber.on('close', () => this.onSubscriberClosed());
    publisher.on('ready', () => this.refreshHealth());
    publisher.on('close', () => this.refreshHealth());
    // Connection errors are reported once per health transition (refreshHealth), not once per retry.
    for (const client of [publisher, subscriber]) client.on('error', (err: Error) => this.logger.debug('redis connection error', { err: err.message }));
  }

  /** Connect both clients; resolves once subscribed to the bootstrap channel, or unhealthy after `timeoutMs`. */
  async start(timeoutMs = 5000): Promise<void> {
    const connected = Promise.allSettled([this.publisher.connect(), this.subscriber.connect()]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([connected.then(() => this.resubscribing.catch(() => undefined)), timeout]);
    clearTimeout(timer);
    this.started = true;
    this.refreshHealth();
  }

  async broadcast(stream: string, payload: string): Promise<void> {
    if (this.closed) throw new BroadcastFailedError('redis adapter is shut down');
    try {
      await this.publisher.publish(this.channelFor(stream), payload);
    } catch (err) {
      throw new BroadcastFailedError(`redis publish failed: ${errorText(err)}`);
    }
  }

  async subscribe(stream: string, handler: MessageHandler): Promise<void> {
    if (this.closed) throw new PubSubUnavailableError('redis adapter is shut down');
    // Fail fast while disconnected: the caller (e.g. a subscribe command) must not hang until Redis returns.
    if (this.state === 'down') throw new PubSubUnavailableError(`redis unreachable: cannot subscribe to ${stream}`);
    if (this.map.add(stream, handler)) this.live.set(stream, this.subscribeUpstream(stream));
    try {
      await Promise.all([this.live.get(stream), this.resubscribing]);
    } catch (err) {
      await this.unsubscribe(stream, handler);
      throw new PubSubUnavailableError(`redis subscribe to ${stream} failed: ${errorText(err)}`);
    }
  }

  /**
   * Keep `handler` on `stream` for the adapter's whole life, whatever the connection state: subscribed now if
   * connected, and again on every reconnect (the history layer's shared positions channel).
   */
  retain(stream: string, handler: MessageHandler): void {
    if (this.closed || !this.map.add(stream, handler) || this.state === 'down') return;
    this.live.set(stream, this.subscribeUpstream(stream));
  }

  async unsubscribe(stream: string, handler: MessageHandler): Promise<void> {
    if (!this.map.remove(stream, handler)) return;
    this.live.delete(stream);
    const channel = this.channelFor(stream);
    if (channel === INTERNAL_CHANNEL || this.subscriber.status !== 'ready') return;
    // Not in the map any more, so a reconnect will not resubscribe it even if this UNSUBSCRIBE is lost.
    await this.subscriber.unsubscribe(channel).catch((err: unknown) => this.logger.debug('redis unsubscribe failed', { stream, err: errorText(err) }));
  }

  status(): AdapterStatus {
    if (this.closed) return { healthy: false, detail: 'shut down' };
    const publisher = this.publisher.status === 'ready';
    const subscriber = this.state === 'live';
    if (publisher && subscriber) return { healthy: true };
    if (!publisher && this.state === 'down') return { healthy: false, detail: 'redis unreachable' };
    return { healthy: false, detail: publisher ? `redis subscriber connection ${this.state === 'down' ? 'down' : 'resubscribing'}` : 'redis publisher connection down' };
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.map.clear();
    this.live.clear();
    await Promise.all([closeClient(this.publisher), closeClient(this.subscriber)]);
  }

  private channelFor(stream: string): string {
    return prefixedChannel(this.prefix, stream);
  }

  private streamFor(channel: string): string | null {
    if (!this.prefix) return channel;
    return channel.startsWith(this.prefix + ':') ? channel.slice(this.prefix.length + 1) : null;
  }

  private subscribeUpstream(stream: string): Promise<void> {
    const pending = this.subscriber.subscribe(this.channelFor(stream)).then(() => undefined);
    pending.catch(() => undefined); // awaited by subscribe(); this only keeps a lost race from being "unhandled"
    return pending;
  }

  private onMessage(channel: string, payload: string): void {
    const stream = this.streamFor(channel);
    if (stream === null) return;
    this.map.deliver(stream, payload, (err) => this.logger.error('pubsub handler failed', { stream, err }));
  }

  private onSubscriberReady(): void {
    const channels = [INTERNAL_CHANNEL, ...this.map.streamNames().map((s) => this.channelFor(s))];
    this.state = 'resubscribing';
    this.resubscribing = this.subscriber.subscribe(...channels).then(() => {
      if (this.state === 'resubscribing') this.state = 'live';
      this.refreshHealth();
    });
    this.resubscribing.catch((err: unknown) => this.logger.debug('redis resubscribe failed', { err: errorText(err) }));
  }

  private onSubscriberClosed(): void {
    this.state = 'down';
    this.refreshHealth();
  }

  private isHealthy(): boolean {
    return this.state === 'live' && this.publisher.status === 'ready';
  }

  /** Log only when health flips, so an outage is one warn line however many retries it takes. */
  private refreshHealth(): void {
    if (this.closed || !this.started) return; // the first report is start()'s verdict, not a half-connected moment
    const healthy = this.isHealthy();
    if (healthy === this.reportedHealthy) return;
    const first = this.reportedHealthy === null;
    this.reportedHealthy = healthy;
    if (!healthy) this.logger.warn('redis unreachable; retrying in the background', { code: 'CABLE_PUBSUB_UNAVAILABLE' });
    else this.logger.info(first ? 'redis connected' : 'redis reachable again; streams resubscribed', { streams: this.map.size });
  }
}

/** Options shared by every connection: fail fast instead of queueing, retry forever, name it like Rails. */
function clientOptions(options: RedisAdapterOptions): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    // ioredis waits this long for a socket that may already be gone before destroying it on disconnect().
    disconnectTimeout: 200,
    retryStrategy: (attempt) => reconnectDelay(attempt, options.maxRetryDelayMs),
    connectionName: `ActionCable-PID-${process.pid}`,
  };
}

async function newClient(options: RedisAdapterOptions): Promise<Redis> {
  const { Redis: RedisClient } = await import('ioredis');
  return new RedisClient(options.url, clientOptions(options));
}

/** Create and connect a RedisAdapter; an unreachable Redis yields an unhealthy adapter that keeps retrying. */
export async function createRedisAdapter(options: RedisAdapterOptions): Promise<RedisAdapter> {
  const adapter = new RedisAdapter(await newClient(options), await newClient(options), options);
  await adapter.start(options.connectTimeoutMs);
  return adapter;
}

/** Publishes JSON to plain (unprefixed) Redis channels such as `training_session_events`. */
export interface RedisSidePublisher {
  publish(channel: string, message: unknown): Promise<void>;
  close(): Promise<void>;
}

/** Create a side publisher on its own connection; publishes fail with BroadcastFailedError while Redis is away. */
export async function createRedisSidePublisher(url: string, logger: Logger = silentLogger): Promise<RedisSidePublisher> {
  const client = await newClient({ url });
  client.on('error', (err: Error) => logger.debug('redis side publisher error', { err: err.message }));
  await client.connect().catch((err: unknown) => logger.warn('redis side publisher cannot connect yet', { err: errorText(err) }));
  return {
    publish: async (channel, message) => {
      await client.publish(channel, JSON.stringify(message)).catch((err: unknown) => {
        throw new BroadcastFailedError(`redis publish failed: ${errorText(err)}`);
      });
    },
    close: () => closeClient(client),
  };
}

async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => undefined);
  client.disconnect();
}


