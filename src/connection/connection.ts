// One Connection per socket (Rails Connection::Base): authenticates, sends welcome, processes commands strictly
// in arrival order (one promise chain), implements ChannelHost for its channels and HubSession for fan-out,
// closes on token expiry, remote disconnect, slow consumption and shutdown. The only coordinator besides main.ts.

import type { ChannelHost } from '../channel/host';
import type { ChannelRegistry } from '../channel/registry';
import { CableError, TooManyStreamsError, UnauthorizedError } from '../errors';
import type { Hub, HubSession, PreparedFrame, StreamCallback } from '../hub/hub';
import { limitWarnings, type Logger } from '../log/logger';
import { randomBytes } from 'node:crypto';
import { decodeCommand, encodeDisconnect, encodeMessage, encodePong, encodeWelcome, IGNORED } from '../protocol/codec';
import { BASE_PROTOCOL, closeCodeFor, EXT_PROTOCOL, type ClientCommand, type DisconnectReason, type HistoryRequest } from '../protocol/messages';
import type { PubSubAdapter } from '../pubsub/adapter';
import type { Identity } from '../auth/identity';
import { CatchUp } from './catch-up';
import { replayHistory } from './history';
import { identityKey, internalRetryDelay, type LiveSessions } from './live-sessions';
import type { SessionStore } from './sessions';
import { Subscriptions } from './subscriptions';

/** The socket as the connection sees it (implemented in src/server over `ws`). */
export interface Transport {
  /** Negotiated sub-protocol, '' when none. */
  readonly protocol: string;
  /** Bytes queued in the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  send(text: string): void;
  sendFrame(frame: PreparedFrame): void;
  close(code: number): void;
  /** Stop reading client frames (backpressure) / read again. */
  pause(): void;
  resume(): void;
  /** Largest client frame accepted from now on (small until the welcome, CABLE_MAX_FRAME_BYTES after). */
  setFrameLimit?(bytes: number): void;
}

/** What a connection reports for metrics (implemented by src/metrics/metrics.ts). */
export interface ConnectionMetrics extends SubscriptionObserverLike {
  command(type: string): void;
  /** A warn (client-caused) or error (server fault) line with its code. */
  problem(level: 'warn' | 'error', code: string): void;
  authFailed(reason: string): void;
  authTime(seconds: number): void;
  disconnected(reason: string): void;
  broadcast(source: 'channel'): void;
}

type SubscriptionObserverLike = {
  subscribed(channel: string, seconds: number): void;
  subscriptionRejected(channel: string, seconds: number): void;
  unsubscribed(channel: string): void;
};

/** Concurrent sockets per identity (CABLE_MAX_CONNECTIONS_PER_USER), shared by the connections of a server. */
export interface IdentityCap {
  /** Count one more socket of `key`; false when it already holds the maximum. */
  acquire(key: string): boolean;
  release(key: string): void;
}

/** Shared services every connection of a server uses. */
export interface ConnectionDeps<S> {
  hub: Hub;
  registry: ChannelRegistry;
  pubsub: PubSubAdapter;
  services: S;
  logger: Logger;
  gidApp: string;
  /** Largest client frame once the welcome is sent. */
  maxFrameBytes: number;
  maxBufferedBytes: number;
  /** Per-connection bounds (defaults: unbounded, for harnesses). */
  limits?: { maxSubscriptions: number; maxIdentifierBytes: number; maxPendingCommands: number; maxStreams?: number; maxJsonDepth?: number };
  /** Per-identity socket cap (absent: unlimited). */
  identityCap?: IdentityCap;
  /** What an open socket gets at token expiry (CABLE_TOKEN_EXPIRY; default `refresh`). */
  tokenExpiry?: 'refresh' | 'close' | 'never';
  metrics?: ConnectionMetrics;
  /** Ext-protocol session snapshots (restore by `sid`). */
  sessions?: SessionStore;
  sessionTtlSeconds?: number;
  /** Open ext-protocol connections by `sid`: a restore takes over a socket this node, or another, still holds. */
  liveSessions?: LiveSessions<Connection<S>>;
  onClosed?: (conn: Connection<S>) => void;
}

/** Per-connection start options. */
export interface StartOptions {
  /** The `sid` an ext-protocol client asks to restore (`?sid=` or `X-ANYCABLE-RESTORE-SID`). */
  restoreSid?: string;
}

const MAX_TIMEOUT_MS = 2_147_000_000;
/** How long a restored subscription holds live frames waiting for its client's `history` request. */
const RESTORE_HOLD_MS = 3000;

/** The server side of one WebSocket. */
export class Connection<S = unknown> implements ChannelHost<Identity, S>, HubSession {
  readonly logger: Logger;
  readonly gidApp: string;
  readonly services: S;
  /** Whether this socket negotiated AnyCable's extended protocol. */
  readonly ext: boolean;
  /** Ext-protocol session id sent in welcome. */
  readonly sid: string | undefined;
  private ident: Identity | undefined;
  private silent = false;
  private state: 'connecting' | 'open' | 'closing' | 'closed' = 'connecting';
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private paused = false;
  private readonly subscriptions: Subscriptions;
  private expiryTimer: NodeJS.Timeout | undefined;
  private internalStream: string | undefined;
  private internalRetry: NodeJS.Timeout | undefined;
  private internalAttempts = 0;
  private readonly onInternal: StreamCallback = (msg) => this.handleInternal(msg);
  /** Live frames held or filtered while subscriptions catch up (ext protocol). */
  private readonly catchUp = new CatchUp((frame) => this.writeShared(frame));
  /** Restored identifiers still waiting for their client's history request. */
  private readonly restoring = new Set<string>();
  private restoreTimer: NodeJS.Timeout | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;
  /** Session snapshot writes, in order. */
  private saving: Promise<void> = Promise.resolve();
  /** Another socket restored this session: its snapshot is no longer ours to write. */
  private superseded = false;
  /** Streams held across all subscriptions (CABLE_MAX_STREAMS). */
  private streamCount = 0;
  /** Whether this socket counts against its identity's socket cap. */
  private capped = false;
  /** Ends a pending authentication when the socket closes first (a hung lookup must not pin the connection). */
  private abandonAuth: ((reason: Error) => void) | undefined;

  constructor(private readonly transport: Transport, private readonly deps: ConnectionDeps<S>, readonly id: string) {
    // Per-connection log budget: a client that makes every command fail cannot flood the log (metrics still count all).
    const metrics = deps.metrics;
    this.logger = limitWarnings(deps.logger.child({ conn: id }), undefined, undefined, metrics && ((level, f) => metrics.problem(level, typeof f?.code === 'string' ? f.code : 'CABLE_CHANNEL_ERROR')));
    this.gidApp = deps.gidApp;
    this.services = deps.services;
    this.ext = transport.protocol === EXT_PROTOCOL;
    this.sid = this.ext ? randomBytes(9).toString('base64url') : undefined;
    const m = deps.metrics;
    const observer = m && { confirmed: (c: string, s: number) => m.subscribed(c, s), rejected: (c: string, s: number) => m.subscriptionRejected(c, s), removed: (c: string) => m.unsubscribed(c) };
    this.subscriptions = new Subscriptions(deps.registry, this as ChannelHost, deps.limits, observer);
  }

  /** The authenticated identity (throws before welcome). */
  get identity(): Identity {
    if (!this.ident) throw new Error('connection is not authenticated yet');
    return this.ident;
  }

  /** Whether welcome was sent and the socket is usable. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Identifiers of the live subscriptions. */
  get subscriptionIdentifiers(): string[] {
    return this.subscriptions.identifiers();
  }

  /** The identity if authenticated. */
  get maybeIdentity(): Identity | undefined {
    return this.ident;
  }

  /** Begin the connection: frames received meanwhile wait in the command chain until welcome (Rails buffers them). */
  start(authentication: Promise<Identity>, opts: StartOptions = {}): void {
    this.enqueue(async () => {
      const started = performance.now();
      try {
        const abandoned = new Promise<never>((_, reject) => (this.abandonAuth = reject));
        this.ident = await Promise.race([authentication, abandoned]).finally(() => (this.abandonAuth = undefined));
        this.deps.metrics?.authTime((performance.now() - started) / 1000);
      } catch (err) {
        if (this.state !== 'connecting') return; // closed meanwhile (e.g. the authentication deadline)
        this.deps.metrics?.authFailed(err instanceof UnauthorizedError ? err.reason : 'unavailable');
        if (err instanceof UnauthorizedError) {
          this.logger.info('connection rejected', { code: 'CABLE_UNAUTHORIZED', reason: err.reason });
          this.rejectUnauthorized(err.reason);
        } else {
          // Credentials could not be checked: refuse (fail closed) but tell the client to retry (close 1011, not 1000).
          this.logger.warn('authentication unavailable', { code: 'CABLE_AUTH_UNAVAILABLE', err });
          this.disconnect(null, true);
        }
        return;
      }
      if (this.state !== 'connecting') return;
      if (!this.acquireIdentitySlot()) return;
      await this.subscribeInternal();
      if (this.state !== 'connecting') return;
      const restored = opts.restoreSid && this.ext ? await this.restore(opts.restoreSid) : undefined;
      if (this.state !== 'connecting') return;
      this.state = 'open';
      // Authenticated: full-size frames from now on (until here only small ones, so strangers cannot pin memory).
      this.transport.setFrameLimit?.(this.deps.maxFrameBytes);
      this.transport.send(encodeWelcome(this.sid, restored));
      this.trackSession(restored !== undefined);
      this.scheduleExpiry();
      this.logger.debug('connected', { kind: this.ident.kind });
    });
  }

  /** Handle one inbound frame (text), in order with every other command of this connection. */
  receive(raw: string): void {
    this.enqueue(() => this.dispatch(raw));
    this.pending += 1;
    const max = this.deps.limits?.maxPendingCommands ?? Infinity;
    if (!this.paused && this.pending >= max) {
      // Backpressure instead of an unbounded queue: stop reading until the queue drains; nothing is dropped.
      this.paused = true;
      this.logger.warn('command queue full, pausing reads', { code: 'CABLE_BACKPRESSURE', pending: this.pending });
      this.transport.pause();
    }
    this.chain = this.chain.then(() => this.commandDone(max));
  }

  private commandDone(max: number): void {
    this.pending -= 1;
    if (this.paused && this.pending <= max / 2) {
      this.paused = false;
      this.transport.resume();
    }
  }

  /** Handle an inbound binary frame: logged and dropped, as Rails does. */
  receiveBinary(byteLength: number): void {
    this.logger.warn('binary frame dropped', { code: 'CABLE_BINARY_FRAME', bytes: byteLength });
  }

  /** The socket closed (by either side): unsubscribe everything after pending commands finish. */
  closed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.abandonAuth?.(new Error('socket closed during authentication'));
    this.clearExpiry();
    this.releaseIdentitySlot();
    if (this.internalRetry) clearTimeout(this.internalRetry);
    this.internalRetry = undefined;
    if (this.internalStream) this.deps.hub.removeCallback(this.internalStream, this.onInternal);
    // Session snapshot and streams go now, not behind in-flight commands (one that never settles must not pin them).
    this.persistSession();
    this.untrackSession();
    this.catchUp.clear();
    this.subscriptions.detachAll();
    this.enqueue(() => this.subscriptions.unsubscribeAll());
    this.enqueue(async () => this.deps.onClosed?.(this));
  }

  /** Send the disconnect frame and close with the code that matches `reconnect` (closeCodeFor). */
  disconnect(reason: DisconnectReason | null, reconnect: boolean): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.state = 'closing';
    this.deps.metrics?.disconnected(reason ?? 'retry');
    this.transport.send(encodeDisconnect(reason, reconnect));
    this.transport.close(closeCodeFor(reason, reconnect));
  }

  /** Authentication did not finish in time: close and tell the client to retry (as when it cannot be checked). */
  authenticationTimedOut(): void {
    if (this.state !== 'connecting') return;
    this.logger.warn('authentication timed out, closing', { code: 'CABLE_AUTH_TIMEOUT' });
    this.deps.metrics?.authFailed('timeout');
    this.disconnect(null, true);
  }

  /** Whether authentication is still pending (no welcome yet and not closing). */
  get isConnecting(): boolean {
    return this.state === 'connecting';
  }

  // ---- ChannelHost ----

  /** Write a frame built for this connection only. */
  transmitFrame(text: string): void {
    if (this.silent || (this.state !== 'open' && this.state !== 'connecting')) return;
    if (this.tooSlow()) return;
    this.transport.send(text);
  }

  addStream(stream: string, quotedIdentifier: string): Promise<void> {
    this.takeStreamSlot();
    return this.deps.hub.add(stream, quotedIdentifier, this);
  }

  removeStream(stream: string, quotedIdentifier: string): void {
    this.streamCount -= 1;
    this.deps.hub.remove(stream, quotedIdentifier, this);
  }

  addStreamCallback(stream: string, callback: StreamCallback): Promise<void> {
    this.takeStreamSlot();
    return this.deps.hub.addCallback(stream, callback);
  }

  removeStreamCallback(stream: string, callback: StreamCallback): void {
    this.streamCount -= 1;
    this.deps.hub.removeCallback(stream, callback);
  }

  broadcast(stream: string, message: unknown): Promise<void> {
    this.deps.metrics?.broadcast('channel');
    return this.deps.pubsub.broadcast(stream, encodeMessage(message));
  }

  // ---- HubSession ----

  /** Write a frame shared with other sessions (fan-out); held or dropped while its subscription catches up. */
  sendFrame(frame: PreparedFrame): void {
    if (this.catchUp.active && this.state !== 'closed' && this.catchUp.offer(frame)) return;
    this.writeShared(frame);
  }

  /**
   * A new socket restored this session while this one still looks open here (the server has not noticed its peer
   * went away): stop writing the snapshot, close this socket and release its subscriptions now. Returns what it was
   * subscribed to.
   */
  supersede(): string[] {
    const identifiers = this.subscriptions.identifiers();
    this.superseded = true;
    this.logger.info('session restored on a new socket, closing the stale one');
    if (this.state === 'open' || this.state === 'connecting') {
      this.state = 'closing';
      this.transport.close(1000);
    }
    this.closed();
    return identifiers;
  }

  /** Resolves once every snapshot write issued so far has settled. */
  sessionWritten(): Promise<void> {
    return this.saving;
  }

  // ---- internals ----

  private writeShared(frame: PreparedFrame): void {
    if (this.state !== 'open') return;
    if (this.tooSlow()) return;
    this.transport.sendFrame(frame);
  }

  private enqueue(step: () => Promise<void> | void): void {
    this.chain = this.chain.then(step).catch((err: unknown) => {
      this.logger.error('command failed', { code: err instanceof CableError ? err.code : 'CABLE_CHANNEL_ERROR', err });
    });
  }

  private async dispatch(raw: string): Promise<void> {
    if (this.state !== 'open') return;
    let cmd: ClientCommand | typeof IGNORED;
    try {
      cmd = decodeCommand(raw, { ext: this.ext });
      this.deps.metrics?.command(cmd === IGNORED ? 'keepalive' : cmd.command);
    } catch (err) {
      this.deps.metrics?.command('invalid');
      this.logger.warn('bad frame ignored', { code: err instanceof CableError ? err.code : 'CABLE_MALFORMED_COMMAND', reason: (err as Error).message });
      return;
    }
    if (cmd === IGNORED) return;
    await this.execute(cmd);
  }

  private async execute(cmd: ClientCommand): Promise<void> {
    switch (cmd.command) {
      case 'subscribe': {
        // History on subscribe (ext only, the codec drops it otherwise): hold live frames from the moment the streams
        // attach, so the replay and the live frames reach the client once each and in order.
        const catchUp = cmd.history !== undefined && !this.subscriptions.get(cmd.identifier);
        if (catchUp) this.catchUp.hold(cmd.identifier);
        const outcome = await this.subscriptions.subscribe(cmd.identifier);
        if (catchUp && outcome === 'confirmed') await this.history(cmd.identifier, cmd.history as HistoryRequest);
        else if (catchUp) this.catchUp.forget(cmd.identifier);
        if (outcome === 'confirmed') this.persistSession();
        return;
      }
      case 'unsubscribe':
        this.catchUp.forget(cmd.identifier);
        this.restoring.delete(cmd.identifier);
        await this.subscriptions.unsubscribe(cmd.identifier);
        this.persistSession();
        return;
      case 'message':
        await this.subscriptions.perform(cmd.identifier, cmd.data);
        return;
      // The codec yields ping, pong and history only on the ext protocol (for plain clients they are unknown, as in Rails).
      case 'ping':
        this.transport.send(encodePong());
        return;
      case 'pong':
        return;
      case 'history':
        await this.history(cmd.identifier, cmd.history);
        return;
    }
  }

  private async history(identifier: string, request: HistoryRequest): Promise<void> {
    const channel = this.subscriptions.get(identifier);
    if (!channel) {
      this.logger.warn('history for unknown subscription', { code: 'CABLE_UNKNOWN_SUBSCRIPTION' });
      return;
    }
    this.restoring.delete(identifier);
    this.catchUp.hold(identifier);
    let covered: Awaited<ReturnType<typeof replayHistory>> = new Map();
    try {
      covered = await replayHistory(identifier, channel.streamNames, request, this.deps.pubsub.history, (text) => this.transmitFrame(text));
    } finally {
      // Synchronously after the last replayed frame: held live frames the replay covered are dropped, the rest follow.
      this.catchUp.release(identifier, covered);
    }
  }

  private async restore(sid: string): Promise<string[] | undefined> {
    const key = identityKey(this.identity);
    let identifiers: string[] | undefined;
    const stale = this.deps.liveSessions?.get(sid);
    const takeover = stale !== undefined && stale !== this && stale.maybeIdentity !== undefined && identityKey(stale.maybeIdentity) === key;
    if (takeover) {
      identifiers = stale.supersede();
      await stale.sessionWritten();
    }
    // Taken only when it is this identity's: a refused restore leaves the owner's snapshot in place.
    const snapshot = identifiers ? null : await this.deps.sessions?.take(sid, key).catch(() => null);
    if (!identifiers && snapshot && snapshot.identityKey === key) {
      identifiers = snapshot.identifiers;
      // The old socket may still be open on another node: that node closes it on this notice.
      this.deps.liveSessions?.announce(sid, this.identity);
    }
    if (!identifiers) return undefined;
    // Live frames of the restored subscriptions wait for the client's history request (or RESTORE_HOLD_MS), so what
    // it missed and what arrives meanwhile reach it once each and in order.
    for (const id of identifiers) this.catchUp.hold(id);
    // Re-run each subscription without frames: authorization is checked again and channel state rebuilt.
    this.silent = true;
    const restored: string[] = [];
    try {
      for (const id of identifiers) {
        if ((await this.subscriptions.subscribe(id)) === 'confirmed') restored.push(id);
        else this.catchUp.forget(id);
      }
    } finally {
      this.silent = false;
    }
    for (const id of restored) this.restoring.add(id);
    this.restoreTimer = setTimeout(() => this.releaseRestored(), RESTORE_HOLD_MS);
    this.restoreTimer.unref();
    this.logger.info('session restored', { restored: restored.length, requested: identifiers.length, takeover });
    return restored;
  }

  /** Restored subscriptions whose client did not ask for history in time get their held frames as they are. */
  private releaseRestored(): void {
    this.restoreTimer = undefined;
    for (const id of this.restoring) this.catchUp.release(id, new Map());
    this.restoring.clear();
  }

  /** Register this ext connection under its sid and keep its snapshot fresh while it is open. */
  private trackSession(restored: boolean): void {
    if (!this.sid) return;
    this.deps.liveSessions?.set(this.sid, this);
    if (restored) this.persistSession();
    const ttl = this.deps.sessionTtlSeconds ?? 300;
    if (!this.deps.sessions || ttl <= 0) return;
    // A snapshot must outlive a socket whose close the server never sees: rewrite it twice per TTL.
    this.sessionTimer = setInterval(() => this.persistSession(), Math.min((ttl * 1000) / 2, MAX_TIMEOUT_MS));
    this.sessionTimer.unref();
  }

  private untrackSession(): void {
    if (this.sessionTimer) clearInterval(this.sessionTimer);
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    this.sessionTimer = this.restoreTimer = undefined;
    this.restoring.clear();
    if (this.sid && this.deps.liveSessions?.get(this.sid) === this) this.deps.liveSessions.delete(this.sid);
  }

  /**
   * Write the session snapshot (what this socket is subscribed to) now, in order with earlier writes: on every
   * subscription change and at close, so a restore works even before the server notices the old socket is gone.
   */
  private persistSession(): void {
    const store = this.deps.sessions;
    if (!this.sid || !this.ident || !store || this.superseded) return;
    const sid = this.sid;
    const snapshot = { identityKey: identityKey(this.ident), identifiers: this.subscriptions.identifiers() };
    const ttl = this.deps.sessionTtlSeconds ?? 300;
    this.saving = this.saving.then(() => store.save(sid, snapshot, ttl)).catch(() => undefined);
  }

  /** Count this socket against its identity's cap; over it, refuse with `too_many_connections`. */
  private acquireIdentitySlot(): boolean {
    const cap = this.deps.identityCap;
    if (!cap || !this.ident) return true;
    if (cap.acquire(identityKey(this.ident))) return (this.capped = true);
    this.logger.warn('too many sockets for one identity, closing', { code: 'CABLE_TOO_MANY_CONNECTIONS', kind: this.ident.kind });
    this.disconnect('too_many_connections', false);
    return false;
  }

  private releaseIdentitySlot(): void {
    if (!this.capped || !this.ident) return;
    this.capped = false;
    this.deps.identityCap?.release(identityKey(this.ident));
  }

  /** Reserve one stream of CABLE_MAX_STREAMS; throws TooManyStreamsError (synchronously: nothing was attached). */
  private takeStreamSlot(): void {
    const max = this.deps.limits?.maxStreams ?? Infinity;
    if (this.streamCount >= max) throw new TooManyStreamsError(max);
    this.streamCount += 1;
  }

  /**
   * Refuse the connection. A token that merely expired is `token_expired` for clients that speak a sub-protocol (as
   * AnyCable does: @anycable/core's tokenRefresher renews on it; @rails/actioncable stops either way) and
   * `unauthorized` for clients without one (Powernode's WebSocketManager renews its token only on that frame).
   */
  private rejectUnauthorized(failure: string): void {
    const expired = failure === 'expired' && this.transport.protocol !== '';
    this.disconnect(expired ? 'token_expired' : 'unauthorized', false);
  }

  private async subscribeInternal(): Promise<void> {
    // Rails subscribes each identified connection to `action_cable/<identifier>` for remote disconnects.
    this.internalStream = `action_cable/${this.identity.connectionIdentifier}`;
    await this.attachInternal();
  }

  /**
   * Subscribe the internal stream; while pub/sub is down (the welcome is not held back for it) keep retrying with
   * backoff until it succeeds or the socket closes, so a remote disconnect issued after the outage still reaches us.
   */
  private async attachInternal(): Promise<void> {
    const stream = this.internalStream;
    if (!stream || this.isClosed()) return;
    try {
      await this.deps.hub.addCallback(stream, this.onInternal);
      if (this.internalAttempts > 0) this.logger.info('internal channel subscribed after retry', { attempts: this.internalAttempts + 1 });
      this.internalAttempts = 0;
    } catch (err) {
      if (this.isClosed()) return;
      if (this.internalAttempts === 0) this.logger.warn('internal channel unavailable; retrying', { code: 'CABLE_BROADCAST_FAILED', err });
      this.internalAttempts += 1;
      this.internalRetry = setTimeout(() => void this.attachInternal(), internalRetryDelay(this.internalAttempts));
      this.internalRetry.unref();
    }
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private handleInternal(message: unknown): void {
    const msg = message as { type?: unknown; reconnect?: unknown } | null;
    if (!msg || msg.type !== 'disconnect') return;
    this.logger.info('remote disconnect');
    this.disconnect('remote', msg.reconnect !== false);
  }

  private scheduleExpiry(): void {
    const exp = this.ident?.tokenExp;
    // Workers cannot renew a token on an open socket (Powernode's worker client connects once with a 300 s JWT and
    // keeps the socket for a whole training session): their sockets outlive the token; the revocation re-check
    // still closes them. With `never` no socket is closed at expiry, as in Rails.
    if (exp === undefined || this.ident?.kind === 'worker' || this.expiryPolicy === 'never') return;
    const ms = exp * 1000 - Date.now();
    if (ms <= 0) return this.expire();
    this.expiryTimer = setTimeout(() => (exp * 1000 <= Date.now() ? this.expire() : this.scheduleExpiry()), Math.min(ms, MAX_TIMEOUT_MS));
    this.expiryTimer.unref();
  }

  /**
   * The token expired on an open socket. `close`: token_expired, final, to everyone. `refresh`: whatever makes each
   * kind of client renew its token by itself — AnyCable's ext protocol gets token_expired (its tokenRefresher),
   * plain Action Cable gets token_expired with reconnect (its URL function builds a fresh one), and a client without
   * a sub-protocol (Powernode's WebSocketManager) gets `unauthorized`, the one frame it refreshes its token on.
   */
  private expire(): void {
    this.logger.info('token expired, closing', { code: 'CABLE_TOKEN_EXPIRED', policy: this.expiryPolicy });
    if (this.expiryPolicy === 'close' || this.ext) return this.disconnect('token_expired', false);
    if (this.transport.protocol === BASE_PROTOCOL) return this.disconnect('token_expired', true);
    this.disconnect('unauthorized', false);
  }

  private get expiryPolicy(): 'refresh' | 'close' | 'never' {
    return this.deps.tokenExpiry ?? 'refresh';
  }

  private clearExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
  }

  private tooSlow(): boolean {
    if (this.transport.bufferedAmount <= this.deps.maxBufferedBytes) return false;
    this.logger.warn('slow consumer disconnected', { code: 'CABLE_SLOW_CONSUMER', buffered: this.transport.bufferedAmount });
    this.disconnect('too_slow', true);
    return true;
  }
}
