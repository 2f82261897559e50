// One Connection per socket (Rails Connection::Base), the coordinator of its parts: authentication and the welcome,
// the ordered command queue, the subscriptions (whose results it applies), the internal channel, ext-protocol history
// and session recovery, token expiry and the per-socket budgets. It is the ChannelHost of its subscriptions and the
// HubSession fan-out writes to.

import { randomBytes } from 'node:crypto';
import type { Identity } from '../auth/identity';
import type { ChannelHost, StreamHandle, StreamTarget } from '../channel/host';
import { CableError, TooManyStreamsError, UnauthorizedError } from '../errors';
import type { HubSession, PreparedFrame } from '../hub/hub';
import { limitWarnings, type Logger } from '../log/logger';
import { decodeCommand, encodeDisconnect, encodeMessage, encodePong, encodeWelcome, IGNORED } from '../protocol/codec';
import { closeCodeFor, EXT_PROTOCOL, type ClientCommand, type DisconnectReason, type HistoryRequest } from '../protocol/messages';
import { CatchUp } from './catch-up';
import { CommandQueue } from './command-queue';
import { replayHistory } from './history';
import { InternalChannel } from './internal-channel';
import { identityKey } from './live-sessions';
import { SessionRecovery } from './session-recovery';
import { Subscriptions, type CommandResult } from './subscriptions';
import { ExpiryTimer, expiryDisconnect } from './token-expiry';
import type { ConnectionDeps, StartOptions, Transport } from './types';

export type { ConnectionDeps, ConnectionMetrics, IdentityCap, StartOptions, Transport } from './types';

/** The server side of one WebSocket. */
export class Connection<S = unknown> implements ChannelHost<Identity, S>, HubSession, StreamHandle {
  readonly logger: Logger;
  readonly gidApp: string;
  readonly services: S;
  /** Whether this socket negotiated AnyCable's extended protocol. */
  readonly ext: boolean;
  /** Live frames held or filtered while subscriptions catch up (ext protocol). */
  readonly catchUp = new CatchUp((frame) => this.writeShared(frame));
  /** The connection is its subscriptions' stream handle (attach/detach below). */
  readonly streams: StreamHandle = this;
  private readonly queue: CommandQueue;
  private readonly subscriptions: Subscriptions;
  /** Session snapshot, restore and takeover (ext protocol only). */
  private readonly recovery: SessionRecovery<Connection<S>> | undefined;
  private readonly expiry = new ExpiryTimer();
  private internal: InternalChannel | undefined;
  private ident: Identity | undefined;
  private state: 'connecting' | 'open' | 'closing' | 'closed' = 'connecting';
  /** Streams held across all subscriptions (CABLE_MAX_STREAMS). */
  private streamCount = 0;
  /** Whether this socket counts against its identity's socket cap. */
  private capped = false;
  /** Ends a pending authentication when the socket closes first (a hung lookup must not pin the connection). */
  private abandonAuth: ((reason: Error) => void) | undefined;

  constructor(private readonly transport: Transport, private readonly deps: ConnectionDeps<S, Connection<S>>, readonly id: string) {
    const m = deps.metrics;
    // Per-connection log budget: a client that makes every command fail cannot flood the log (metrics still count all).
    this.logger = limitWarnings(deps.logger.child({ conn: id }), undefined, undefined, m && ((level, f) => m.problem(level, typeof f?.code === 'string' ? f.code : 'CABLE_CHANNEL_ERROR')));
    this.gidApp = deps.gidApp;
    this.services = deps.services;
    this.ext = transport.protocol === EXT_PROTOCOL;
    this.recovery = this.ext ? new SessionRecovery(randomBytes(9).toString('base64url'), this, deps) : undefined;
    this.queue = new CommandQueue(transport, this.logger, deps.limits?.maxPendingCommands ?? Infinity);
    this.subscriptions = new Subscriptions(deps.registry, this as ChannelHost, deps.limits, m);
  }

  /** Ext-protocol session id sent in welcome. */
  get sid(): string | undefined {
    return this.recovery?.sid;
  }

  /** The authenticated identity (throws before welcome). */
  get identity(): Identity {
    if (!this.ident) throw new Error('connection is not authenticated yet');
    return this.ident;
  }

  /** The identity if authenticated. */
  get maybeIdentity(): Identity | undefined {
    return this.ident;
  }

  /** Whether welcome was sent and the socket is usable. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Whether authentication is still pending (no welcome yet and not closing). */
  get isConnecting(): boolean {
    return this.state === 'connecting';
  }

  /** Whether the socket is gone. */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Client commands queued and not yet run (backpressure pauses reading at CABLE_MAX_PENDING_COMMANDS). */
  get pendingCommands(): number {
    return this.queue.waiting;
  }

  /** Resolves once every command queued so far has run (tests, graceful stop). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Identifiers of the live subscriptions. */
  get subscriptionIdentifiers(): string[] {
    return this.subscriptions.identifiers();
  }

  /** Begin the connection: frames received meanwhile wait in the command queue until welcome (Rails buffers them). */
  start(authentication: Promise<Identity>, opts: StartOptions = {}): void {
    this.queue.run(async () => {
      if (!(await this.authenticate(authentication)) || !this.acquireIdentitySlot()) return;
      // Rails subscribes each identified connection to `action_cable/<identifier>` for remote disconnects.
      this.internal = new InternalChannel(this.deps.hub, `action_cable/${this.identity.connectionIdentifier}`, this);
      await this.internal.attach();
      const restored = opts.restoreSid && this.recovery && this.state === 'connecting' ? await this.recovery.restore(opts.restoreSid) : undefined;
      if (this.state !== 'connecting') return;
      this.state = 'open';
      // Authenticated: full-size frames from now on (until here only small ones, so strangers cannot pin memory).
      this.transport.setFrameLimit?.(this.deps.maxFrameBytes);
      this.transport.send(encodeWelcome(this.sid, restored));
      this.recovery?.track(restored !== undefined);
      this.expiry.arm(this.identity.tokenExp, this.identity.kind, this.deps.tokenExpiry ?? 'refresh', () => this.expired());
    });
  }

  /** Handle one inbound frame (text), in order with every other command of this connection. */
  receive(raw: string): void {
    this.queue.command(() => this.dispatch(raw));
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
    this.expiry.clear();
    this.releaseIdentitySlot();
    this.internal?.detach();
    // Session snapshot and streams go now, not behind in-flight commands (one that never settles must not pin them).
    this.recovery?.persist();
    this.recovery?.untrack();
    this.catchUp.clear();
    this.subscriptions.detachAll();
    this.queue.run(() => this.subscriptions.unsubscribeAll());
    this.queue.run(async () => this.deps.onClosed?.(this));
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

  /** The internal channel received a remote disconnect (InternalChannelOwner). */
  remoteDisconnect(reconnect: boolean): void {
    this.disconnect('remote', reconnect);
  }

  /** Write a frame built for this connection only (ChannelHost). */
  transmitFrame(text: string): void {
    if (this.state !== 'open' && this.state !== 'connecting') return;
    if (this.tooSlow()) return;
    this.transport.send(text);
  }

  /** Publish `message` (encoded once) to `stream` (ChannelHost). */
  broadcast(stream: string, message: unknown): Promise<void> {
    this.deps.metrics?.broadcast('channel');
    return this.deps.pubsub.broadcast(stream, encodeMessage(message));
  }

  /** Write a frame shared with other sessions (HubSession); held or dropped while its subscription catches up. */
  sendFrame(frame: PreparedFrame): void {
    if (this.catchUp.active && this.state !== 'closed' && this.catchUp.offer(frame)) return;
    this.writeShared(frame);
  }

  /** A restore of this session on a new socket took over: close this stale one now; returns what it was subscribed to. */
  supersede(): string[] {
    const identifiers = this.subscriptions.identifiers();
    if (this.recovery) this.recovery.superseded = true;
    this.logger.info('session restored on a new socket, closing the stale one');
    if (this.state === 'open' || this.state === 'connecting') {
      this.state = 'closing';
      this.transport.close(1000);
    }
    this.closed();
    return identifiers;
  }

  /** Resolves once every snapshot write issued so far has settled (RecoveryOwner). */
  sessionWritten(): Promise<void> {
    return this.recovery?.written() ?? Promise.resolve();
  }

  /** Identifiers subscribed now (RecoveryOwner). */
  subscribedIdentifiers(): string[] {
    return this.subscriptions.identifiers();
  }

  /** Re-run a subscription of a restored session; its frames are not sent (RecoveryOwner). */
  async resubscribeSilently(identifier: string): Promise<boolean> {
    return (await this.subscriptions.subscribe(identifier)).outcome === 'confirmed';
  }

  private async authenticate(authentication: Promise<Identity>): Promise<boolean> {
    const started = performance.now();
    try {
      const abandoned = new Promise<never>((_, reject) => (this.abandonAuth = reject));
      this.ident = await Promise.race([authentication, abandoned]).finally(() => (this.abandonAuth = undefined));
      this.deps.metrics?.authTime((performance.now() - started) / 1000);
      return this.state === 'connecting';
    } catch (err) {
      if (this.state !== 'connecting') return false; // closed meanwhile (e.g. the authentication deadline)
      this.deps.metrics?.authFailed(err instanceof UnauthorizedError ? err.reason : 'unavailable');
      if (err instanceof UnauthorizedError) return this.rejectUnauthorized(err.reason);
      // Credentials could not be checked: refuse (fail closed) but tell the client to retry (close 1011, not 1000).
      this.logger.warn('authentication unavailable', { code: 'CABLE_AUTH_UNAVAILABLE', err });
      this.disconnect(null, true);
      return false;
    }
  }

  /**
   * Refuse the connection. A token that merely expired is `token_expired` for clients that speak a sub-protocol (as
   * AnyCable does: @anycable/core's tokenRefresher renews on it) and `unauthorized` for clients without one
   * (Powernode's WebSocketManager renews its token only on that frame).
   */
  private rejectUnauthorized(failure: string): false {
    this.logger.info('connection rejected', { code: 'CABLE_UNAUTHORIZED', reason: failure });
    const expired = failure === 'expired' && this.transport.protocol !== '';
    this.disconnect(expired ? 'token_expired' : 'unauthorized', false);
    return false;
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
    if (cmd !== IGNORED) await this.execute(cmd);
  }

  private async execute(cmd: ClientCommand): Promise<void> {
    switch (cmd.command) {
      case 'subscribe':
        return this.subscribe(cmd.identifier, cmd.history);
      case 'unsubscribe':
        this.catchUp.forget(cmd.identifier);
        this.recovery?.settled(cmd.identifier);
        this.apply(await this.subscriptions.unsubscribe(cmd.identifier));
        return this.recovery?.persist();
      case 'message':
        return this.apply(await this.subscriptions.perform(cmd.identifier, cmd.data));
      // The codec yields ping, pong and history only on the ext protocol (for plain clients they are unknown, as in Rails).
      case 'ping':
        return this.transport.send(encodePong());
      case 'pong':
        return;
      case 'history':
        return this.history(cmd.identifier, cmd.history);
    }
  }

  /** Subscribe; with history (ext only) live frames are held from the moment the streams attach until the replay ends. */
  private async subscribe(identifier: string, history: HistoryRequest | undefined): Promise<void> {
    const catchingUp = history !== undefined && !this.subscriptions.get(identifier);
    if (catchingUp) this.catchUp.hold(identifier);
    const result = await this.subscriptions.subscribe(identifier);
    this.apply(result);
    if (result.outcome === 'confirmed') this.recovery?.persist();
    if (catchingUp && result.outcome === 'confirmed') await this.history(identifier, history as HistoryRequest);
    else if (catchingUp) this.catchUp.forget(identifier);
  }

  /** Write a command's frames in order (what its channel transmitted, then the confirmation or rejection). */
  private apply(result: CommandResult): void {
    for (const frame of result.frames) this.transmitFrame(frame);
    if (result.streamsAdded.length > 0 || result.streamsRemoved.length > 0) this.logger.debug('streams changed', { added: result.streamsAdded, removed: result.streamsRemoved });
  }

  private async history(identifier: string, request: HistoryRequest): Promise<void> {
    const channel = this.subscriptions.get(identifier);
    if (!channel) return this.logger.warn('history for unknown subscription', { code: 'CABLE_UNKNOWN_SUBSCRIPTION' });
    this.recovery?.settled(identifier);
    this.catchUp.hold(identifier);
    let covered: Awaited<ReturnType<typeof replayHistory>> = new Map();
    try {
      covered = await replayHistory(identifier, channel.streamNames, request, this.deps.history, (text) => this.transmitFrame(text));
    } finally {
      // Synchronously after the last replayed frame: held live frames the replay covered are dropped, the rest follow.
      this.catchUp.release(identifier, covered);
    }
  }

  private expired(): void {
    const policy = this.deps.tokenExpiry ?? 'refresh';
    this.logger.info('token expired, closing', { code: 'CABLE_TOKEN_EXPIRED', policy });
    const { reason, reconnect } = expiryDisconnect(policy, this.transport.protocol);
    this.disconnect(reason, reconnect);
  }

  private writeShared(frame: PreparedFrame): void {
    if (this.state !== 'open' || this.tooSlow()) return;
    this.transport.sendFrame(frame);
  }

  /** Route `stream` to a subscription or callback; throws TooManyStreamsError at CABLE_MAX_STREAMS (StreamHandle). */
  attach(stream: string, target: StreamTarget): Promise<void> {
    const max = this.deps.limits?.maxStreams ?? Infinity;
    // Synchronously, before anything is attached: the subscription is rejected (CABLE_MAX_STREAMS).
    if (this.streamCount >= max) throw new TooManyStreamsError(max);
    this.streamCount += 1;
    return typeof target === 'string' ? this.deps.hub.add(stream, target, this) : this.deps.hub.addCallback(stream, target);
  }

  /** Stop routing `stream` to `target` (StreamHandle). */
  detach(stream: string, target: StreamTarget): void {
    this.streamCount -= 1;
    if (typeof target === 'string') this.deps.hub.remove(stream, target, this);
    else this.deps.hub.removeCallback(stream, target);
  }

  /** Count this socket against its identity's cap; over it, refuse with `too_many_connections`. */
  private acquireIdentitySlot(): boolean {
    const cap = this.deps.identityCap;
    if (!cap) return true;
    if (cap.acquire(identityKey(this.identity))) return (this.capped = true);
    this.logger.warn('too many sockets for one identity, closing', { code: 'CABLE_TOO_MANY_CONNECTIONS', kind: this.identity.kind });
    this.disconnect('too_many_connections', false);
    return false;
  }

  private releaseIdentitySlot(): void {
    if (!this.capped || !this.ident) return;
    this.capped = false;
    this.deps.identityCap?.release(identityKey(this.ident));
  }

  private tooSlow(): boolean {
    if (this.transport.bufferedAmount <= this.deps.maxBufferedBytes) return false;
    this.logger.warn('slow consumer disconnected', { code: 'CABLE_SLOW_CONSUMER', buffered: this.transport.bufferedAmount });
    this.disconnect('too_slow', true);
    return true;
  }
}
