// One Connection per socket (Rails Connection::Base), the coordinator of its parts: authentication and the welcome,
// the ordered command queue, the subscriptions (whose results it applies), the internal channel, ext-protocol history
// and session recovery, token expiry and the per-socket budgets. It is the ChannelHost of its subscriptions and the
// HubSession fan-out writes to.

import { randomBytes } from 'node:crypto';
import type { Identity } from '../auth/identity';
import type { ChannelHost, StreamHandle, TransientHandle } from '../channel/host';
import { streamNames } from '../channel/shared-strings';
import type { FrameRun, HubSession, PreparedFrame } from '../hub/hub';
import { limitedChild, type LineObserver, type Logger } from '../log/logger';
import { encodeDisconnect, encodeMessage, encodeWelcome } from '../protocol/codec';
import { closeCodeFor, EXT_PROTOCOL, type DisconnectReason } from '../protocol/messages';
import type { HistoryReader } from '../broker/broker';
import { awaitIdentity, type AuthenticationTarget } from './authentication';
import { ConnectionBudget } from './budget';
import { CatchUp } from './catch-up';
import { CommandQueue } from './command-queue';
import { runFrame, type CommandContext } from './commands';
import { InternalChannel } from './internal-channel';
import { loopSlices } from './loop-slices';
import { identityKey } from './live-sessions';
import { SessionRecovery } from './session-recovery';
import { Subscriptions } from './subscriptions';
import { expiryDisconnect, expirySchedule, type Expiring } from './token-expiry';
import { ConnectionTransient } from './transient';
import type { ConnectionDeps, ConnectionMetrics, StartOptions, Transport } from './types';

export type { ConnectionDeps, ConnectionMetrics, IdentityCap, StartOptions, Transport } from './types';

/** The server side of one WebSocket. */
export class Connection<S = unknown> implements ChannelHost<Identity, S>, HubSession, CommandContext, AuthenticationTarget, Expiring {
  readonly logger: Logger;
  /** Whether this socket negotiated AnyCable's extended protocol. */
  readonly ext: boolean;
  readonly subscriptions: Subscriptions;
  /** Session snapshot, restore and takeover (ext protocol only). */
  readonly recovery: SessionRecovery<Connection<S>> | undefined;
  private readonly queue: CommandQueue;
  /** The token's `exp` while this socket waits in the expiry schedule. */
  private expiresAt: number | undefined;
  private internal: InternalChannel | undefined;
  private whispers: ConnectionTransient | undefined;
  private catchUpState: CatchUp | undefined;
  private ident: Identity | undefined;
  private state: 'connecting' | 'open' | 'closing' | 'closed' = 'connecting';
  /** Its subscriptions' streams, through the hub, within CABLE_MAX_STREAMS, and its slot in the identity cap. */
  private readonly budget: ConnectionBudget;
  /** Ends a pending authentication when the socket closes first (a hung lookup must not pin the connection). */
  private abandonAuth: ((reason: Error) => void) | undefined;

  constructor(private readonly transport: Transport, private readonly deps: ConnectionDeps<S, Connection<S>>, readonly id: string) {
    const m = deps.metrics;
    // Per-connection log budget: a client that makes every command fail cannot flood the log (metrics still count all).
    this.logger = limitedChild(deps.logger, { conn: id }, m && problemCounter(m));
    this.ext = transport.protocol === EXT_PROTOCOL;
    this.recovery = this.ext ? new SessionRecovery(randomBytes(9).toString('base64url'), this, deps) : undefined;
    this.queue = new CommandQueue(transport, this.logger, deps.limits?.maxPendingCommands ?? Infinity);
    this.budget = new ConnectionBudget(deps.hub, this, deps.limits?.maxStreams ?? Infinity, deps.identityCap);
    this.subscriptions = new Subscriptions(deps.registry, this as ChannelHost, deps.limits, m);
  }

  /** GlobalID application name (ChannelHost). */
  get gidApp(): string { return this.deps.gidApp; }

  /** Application services (ChannelHost). */
  get services(): S { return this.deps.services; }

  /** Its subscriptions' streams, through the hub, within CABLE_MAX_STREAMS (ChannelHost). */
  get streams(): StreamHandle { return this.budget; }

  /** Live frames held or filtered while subscriptions catch up (ext protocol; made when first needed). */
  get catchUp(): CatchUp {
    return (this.catchUpState ??= new CatchUp((frame) => this.writeShared(frame)));
  }

  /** Ext-protocol session id sent in welcome. */
  get sid(): string | undefined { return this.recovery?.sid; }

  /** The authenticated identity (throws before welcome). */
  get identity(): Identity {
    if (!this.ident) throw new Error('connection is not authenticated yet');
    return this.ident;
  }

  /** Whispers and presence of this connection's subscriptions (ChannelHost), once authenticated; made on first use. */
  get transient(): TransientHandle | undefined {
    // Admitted (authenticated and within the identity cap) is when the internal channel exists.
    if (this.whispers || !this.ident || !this.internal) return this.whispers;
    this.whispers = new ConnectionTransient(this.deps.hub, this, this.ident, this.deps.presence, this.logger);
    if (this.state === 'closed') this.whispers.finish();
    return this.whispers;
  }

  /** The identity if authenticated. */
  get maybeIdentity(): Identity | undefined { return this.ident; }

  /** Whether welcome was sent and the socket is usable. */
  get isOpen(): boolean { return this.state === 'open'; }

  /** Whether authentication is still pending (no welcome yet and not closing). */
  get isConnecting(): boolean { return this.state === 'connecting'; }

  /** Whether the socket is gone. */
  get isClosed(): boolean { return this.state === 'closed'; }

  /** Client commands queued and not yet run (backpressure pauses reading at CABLE_MAX_PENDING_COMMANDS). */
  get pendingCommands(): number { return this.queue.waiting; }

  /** Resolves once every command queued so far has run (tests, graceful stop). */
  idle(): Promise<void> { return this.queue.idle(); }

  /** Begin the connection: frames received meanwhile wait in the command queue until welcome (Rails buffers them). */
  start(authentication: Promise<Identity>, opts: StartOptions = {}): void {
    this.queue.run(async () => {
      const abandoned = new Promise<never>((_, reject) => (this.abandonAuth = reject));
      this.ident = await awaitIdentity(this, authentication, abandoned).finally(() => (this.abandonAuth = undefined));
      // One look-up answers every socket of a storm that waited for it: they go on a slice of the loop at a time.
      const turn = loopSlices.turn();
      if (turn) await turn;
      if (!this.ident || this.state !== 'connecting' || !this.acquireIdentitySlot()) return;
      // Rails subscribes each identified connection to `action_cable/<identifier>` for remote disconnects.
      this.internal = new InternalChannel(this.deps.hub, streamNames.get(`action_cable/${this.identity.connectionIdentifier}`), this);
      await this.internal.attach();
      const restored = opts.restoreSid && this.recovery && this.state === 'connecting' ? await this.recovery.restore(opts.restoreSid) : undefined;
      if (this.state !== 'connecting') return;
      this.state = 'open';
      // Authenticated: full-size frames from now on (until here only small ones, so strangers cannot pin memory).
      this.transport.setFrameLimit?.(this.deps.maxFrameBytes);
      this.transport.send(encodeWelcome(this.sid, restored));
      this.recovery?.track(restored !== undefined);
      // Workers are never closed at expiry (token-expiry.ts); the schedule calls expired() once `exp` has passed.
      const exp = this.identity.tokenExp;
      if (exp === undefined || this.identity.kind === 'worker' || (this.deps.tokenExpiry ?? 'refresh') === 'never') return;
      this.expiresAt = exp;
      expirySchedule.add(exp, this);
    });
  }

  /** The token's `exp` has passed (ExpirySchedule): close as CABLE_TOKEN_EXPIRY says. */
  expired(): void {
    this.expiresAt = undefined;
    const policy = this.deps.tokenExpiry ?? 'refresh';
    this.logger.info('token expired, closing', { code: 'CABLE_TOKEN_EXPIRED', policy });
    const { reason, reconnect } = expiryDisconnect(policy, this.transport.protocol);
    this.disconnect(reason, reconnect);
  }

  /** Handle one inbound frame (text), in order with every other command of this connection. */
  receive(raw: string): void {
    this.queue.command(() => {
      const turn = loopSlices.turn();
      return turn ? turn.then(() => this.runOpen(raw)) : this.runOpen(raw);
    });
  }

  private runOpen(raw: string): Promise<void> | undefined {
    return this.state === 'open' ? runFrame(this, raw) : undefined;
  }

  /** Stream history for the extended protocol (CommandContext). */
  get history(): HistoryReader | undefined { return this.deps.history; }

  /** The negotiated sub-protocol, '' when none (AuthenticationTarget). */
  get protocol(): string { return this.transport.protocol; }

  /** Where this connection reports (CommandContext). */
  get metrics(): ConnectionMetrics | undefined { return this.deps.metrics; }

  /** Handle an inbound binary frame: logged and dropped, as Rails does. */
  receiveBinary(byteLength: number): void {
    this.logger.warn('binary frame dropped', { code: 'CABLE_BINARY_FRAME', bytes: byteLength });
  }

  /** The socket closed (by either side): unsubscribe everything after pending commands finish. */
  closed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.abandonAuth?.(new Error('socket closed during authentication'));
    if (this.expiresAt !== undefined) expirySchedule.remove(this.expiresAt, this);
    this.expiresAt = undefined;
    this.budget.releaseSlot();
    this.internal?.detach();
    this.whispers?.finish();
    // Session snapshot and streams go now, not behind in-flight commands (one that never settles must not pin them).
    this.recovery?.persist();
    this.recovery?.untrack();
    this.catchUpState?.clear();
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
    const catchUp = this.catchUpState;
    if (catchUp?.active && this.state !== 'closed' && catchUp.offer(frame)) return;
    this.writeShared(frame);
  }

  /** Write a run of shared frames (HubSession): in one write, unless a catch-up has to see each frame. */
  sendRun(run: FrameRun): void {
    if (this.catchUpState?.active || !this.transport.sendRun) {
      for (const frame of run.frames) this.sendFrame(frame);
      return;
    }
    if (this.state !== 'open' || this.tooSlow()) return;
    this.transport.sendRun(run);
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
  sessionWritten(): Promise<void> { return this.recovery?.written() ?? Promise.resolve(); }

  /** Identifiers subscribed now (RecoveryOwner). */
  subscribedIdentifiers(): string[] { return this.subscriptions.identifiers(); }

  /** Re-run a subscription of a restored session; its frames are not sent (RecoveryOwner). */
  async resubscribeSilently(identifier: string): Promise<boolean> {
    return (await this.subscriptions.subscribe(identifier)).outcome === 'confirmed';
  }

  private writeShared(frame: PreparedFrame): void {
    if (this.state !== 'open' || this.tooSlow()) return;
    this.transport.sendFrame(frame);
  }

  /** Count this socket against its identity's cap; over it, refuse with `too_many_connections`. */
  private acquireIdentitySlot(): boolean {
    if (this.budget.acquireSlot(identityKey(this.identity))) return true;
    this.logger.warn('too many sockets for one identity, closing', { code: 'CABLE_TOO_MANY_CONNECTIONS', kind: this.identity.kind });
    this.disconnect('too_many_connections', false);
    return false;
  }

  private tooSlow(): boolean {
    if (this.transport.bufferedAmount <= this.deps.maxBufferedBytes) return false;
    this.logger.warn('slow consumer disconnected', { code: 'CABLE_SLOW_CONSUMER', buffered: this.transport.bufferedAmount });
    this.disconnect('too_slow', true);
    return true;
  }
}

/** One warn/error observer per metrics object, shared by its connections' loggers (not a closure per connection). */
const problemCounters = new WeakMap<ConnectionMetrics, LineObserver>();

function problemCounter(m: ConnectionMetrics): LineObserver {
  let counter = problemCounters.get(m);
  if (!counter) problemCounters.set(m, (counter = (level, f) => m.problem(level, typeof f?.code === 'string' ? f.code : 'CABLE_CHANNEL_ERROR')));
  return counter;
}
