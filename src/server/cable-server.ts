// The WebSocket side of the server: a `ws` WebSocketServer in noServer mode taking `upgrade` events for the
// cable path, one Connection per socket, the global ping timer (one frame built per tick), the edge limits
// (per-address caps, handshake/auth/frame deadlines, inbound rate and JSON depth, all before any parsing),
// broadcast passthrough and graceful shutdown. The only place besides transport.ts that touches `ws`. Server-sent
// events (sse.ts, sse-transport.ts) are connections of the same server: same admission, limits, ping and drain.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { EdgeLimits } from '../../config';
import type { Identity } from '../auth/identity';
import type { ConnectRequest } from '../auth/authenticator';
import { Connection, type ConnectionDeps } from '../connection/connection';
import { LiveSessions } from '../connection/live-sessions';
import { loopSlices } from '../connection/loop-slices';
import type { SessionGroup } from '../hub/hub';
import type { Logger } from '../log/logger';
import type { IoCounters } from '../metrics/metrics';
import { encodeMessage, pingFrame } from '../protocol/codec';
import { DEFAULT_MAX_JSON_DEPTH, exceedsDepth } from '../protocol/json-depth';
import { AddressLimits, type AddressRefusal } from './address-limits';
import { clientAddress, TrustedProxies } from './client-address';
import { CommandRate, type RateVerdict } from './command-rate';
import { extractToken, isOriginAllowed, requestUrl, restoreSid, selectProtocol } from './handshake';
import { IdentitySockets } from './identity-cap';
import { PendingHandshakes } from './pending-handshakes';
import { answer, corsHeaders, preflightHeaders, readEventStreamRequest, subscribeCommand, type EventStreamRequest } from './sse';
import { SseTransport } from './sse-transport';
import { WsTransport } from './transport';
import { writeCoalescing } from './write-coalescing';

/** Settings of the cable endpoint; absent limits mean unlimited (harnesses), main.ts always passes the config. */
export interface CableServerOptions {
  path: string;
  allowedOrigins: ReadonlyArray<string | RegExp>;
  pingIntervalMs: number;
  maxFrameBytes: number;
  shutdownTimeoutMs: number;
  maxJsonDepth?: number;
  /** Client commands per second per connection (0 = unlimited) and the bucket size. */
  commandRate?: number;
  commandBurst?: number;
  edge?: Partial<EdgeLimits>;
  /** Byte counters shared by every transport (metrics). */
  io?: IoCounters;
  /** Serve server-sent events on this path (absent: off). */
  ssePath?: string;
}

/** A connected user or worker and its open sockets (CableServer.roster). */
export interface RosterIdentity {
  kind: 'user' | 'worker';
  id: string;
  name: string;
  accountId: string;
  sockets: number;
}

/** Authenticated sockets by account and by identity (the largest first) and the number of accounts connected. */
export interface Roster {
  accounts: number;
  byAccount: Array<{ accountId: string; user: number; worker: number }>;
  byIdentity: RosterIdentity[];
}

/** Authenticates a connect request. */
export type AuthenticateFn = (req: ConnectRequest) => Promise<Identity>;

/** How long a socket closed for a deadline or abuse may take to finish closing before it is destroyed. */
const ABORT_GRACE_MS = 2000;
const NO_DEADLINE = Number.MAX_SAFE_INTEGER;

/** What the sweep and shutdown read of a transport (WsTransport, SseTransport). */
interface EdgeTransport {
  readonly openedAt: number;
  frameSeenAt: number;
  abortedAt: number;
  readonly midFrame: boolean;
  readonly isPaused: boolean;
  readonly isClosed: boolean;
  readonly isClosing: boolean;
  close(code: number): void;
  terminate(): void;
}

/** Why a connection attempt is refused before it starts, as an HTTP answer. */
interface Refusal {
  status: number;
  text: string;
  body: string;
  headers: Record<string, string>;
}

/** Per-socket edge state beside its Connection. */
interface Edge {
  readonly transport: EdgeTransport;
  readonly address: string;
  /** The command-rate bucket, while it is not as a new one would be (made at a frame, dropped by the sweep once full). */
  rate: CommandRate | undefined;
  /** Frames received, to tell a stalled frame from a stream of completed ones. */
  frames: number;
  framesAtSeen: number;
}

/**
 * A ws socket that knows its connection and edge, so its 'message', 'close' and 'error' listeners are functions shared
 * by every socket of the server (ws calls them with the socket as `this`) rather than closures per socket.
 */
class CableSocket extends WebSocket {
  conn: Connection<unknown> | undefined = undefined;
  edge: Edge | undefined = undefined;
}

/** An upgraded TCP socket carries its client address (a key of its own, as ws does), read by the shared 'close' listener. */
const ADDRESS = Symbol('cable client address');
type AdmittedSocket = Duplex & { [ADDRESS]?: string };

/** The listeners every socket of one server shares. */
interface SocketListeners {
  message(this: WebSocket, data: RawData, isBinary: boolean): void;
  close(this: WebSocket): void;
  error(this: WebSocket, err: Error): void;
}

/** The cable endpoint. */
export class CableServer<S = unknown> {
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<Connection<S>, Edge>();
  /** The connections as a group the hub can write the ping to (no second collection per socket). */
  private readonly everyone: SessionGroup;
  /** Open ext-protocol connections by sid: a restore of a sid still open here takes that socket over. */
  private readonly liveSessions: LiveSessions<Connection<S>>;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly limits: EdgeLimits;
  private readonly addresses: AddressLimits;
  private readonly proxies: TrustedProxies;
  private readonly pending: PendingHandshakes;
  private readonly identityCap: IdentitySockets;
  /** What every WebSocket connection is built with, and every event stream (no session restore): one object each. */
  private readonly socketDeps: ConnectionDeps<S, Connection<S>>;
  private readonly streamDeps: ConnectionDeps<S, Connection<S>>;
  private readonly listeners: SocketListeners;
  /** Gives a TCP socket's address slot back when it closes, whether or not its WebSocket handshake succeeded. */
  private readonly releaseAddress: (this: AdmittedSocket) => void;
  private nextId = 1;
  /** Set by shutdown(): new upgrades are refused with 503 (they would be cut at the end of the drain). */
  private draining = false;

  constructor(
    private readonly opts: CableServerOptions,
    private readonly deps: Omit<ConnectionDeps<S>, 'onClosed' | 'identityCap'>,
    private readonly authenticate: AuthenticateFn,
  ) {
    this.limits = edgeLimits(opts);
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      // Refused from the header with 1009 (websocket-driver's max_length); lowered per socket until the welcome.
      maxPayload: opts.maxFrameBytes,
      handleProtocols: (offered) => selectProtocol(offered),
      WebSocket: CableSocket,
    });
    this.addresses = new AddressLimits(this.limits);
    this.proxies = new TrustedProxies(this.limits.trustedProxies);
    this.pending = new PendingHandshakes(this.limits.handshakeTimeoutMs);
    this.identityCap = new IdentitySockets(this.limits.maxConnectionsPerIdentity);
    const map = this.connections;
    this.everyone = { get size() { return map.size; }, has: (s) => map.has(s as Connection<S>), [Symbol.iterator]: () => map.keys() };
    this.pingTimer = setInterval(() => this.beat(), opts.pingIntervalMs);
    this.pingTimer.unref();
    this.sweepTimer = setInterval(() => this.sweep(), sweepInterval(this.limits));
    this.sweepTimer.unref();
    this.liveSessions = new LiveSessions(deps.hub, deps.pubsub, deps.logger);
    const connections = this.connections;
    this.socketDeps = { ...deps, identityCap: this.identityCap, liveSessions: this.liveSessions, onClosed: (c) => connections.delete(c) };
    // Event streams cannot restore a session: no snapshots and no sid registry.
    this.streamDeps = { ...this.socketDeps, sessions: undefined, liveSessions: undefined };
    this.listeners = this.socketListeners();
    const addresses = this.addresses;
    this.releaseAddress = function (this: AdmittedSocket) {
      const address = this[ADDRESS];
      if (address !== undefined) addresses.release(address);
    };
    // Restore notices matter only when sessions can move between processes (the broker shares the session store).
    if (deps.sharedSessions) this.liveSessions.start();
  }

  /** Serve `server`'s upgrades (404 off the cable path) and bound how long its connections may take to send a request. */
  attach(server: Server): void {
    server.headersTimeout = this.limits.handshakeTimeoutMs;
    server.on('connection', (socket: Socket) => {
      loopSlices.arrived();
      this.pending.track(socket);
    });
    server.on('request', (req: IncomingMessage) => this.pending.done(req.socket as Socket));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.pending.done(socket as Socket);
      // In a connect storm upgrades wait their turn (loop-slices.ts); one whose client left meanwhile is skipped.
      loopSlices.run(() => {
        if (socket.destroyed) return;
        try {
          if (this.handles(req)) this.handleUpgrade(req, socket, head);
          else refuse(socket, 404, 'Not Found');
        } catch (err) {
          // Nothing a client sends may take the process down.
          this.deps.logger.warn('upgrade failed', { code: 'CABLE_SOCKET_ERROR', err });
          socket.destroy();
        }
      });
    });
  }

  /** Whether this upgrade request targets the cable path. */
  handles(req: IncomingMessage): boolean {
    return requestUrl(req).pathname === this.opts.path;
  }

  /** Take an `upgrade` event: 429 over the address limits, 403 for a disallowed origin, otherwise upgrade. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const admitted = this.admit(req);
    if ('status' in admitted) return refuse(socket, admitted.status, admitted.text, admitted.body, admitted.headers);
    const { address } = admitted;
    // Released when the TCP connection ends, whether or not the WebSocket handshake succeeds.
    (socket as AdmittedSocket)[ADDRESS] = address;
    socket.on('close', this.releaseAddress);
    const auth = this.authenticateRequest(req, address);
    const sid = restoreSid(req);
    // The `101` waits for the end of this loop iteration, so a welcome ready by then leaves in the same write.
    if ('cork' in socket) writeCoalescing.hold(socket as Socket);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, auth, sid, address));
  }

  /** Take a plain HTTP request if it is an event stream (CABLE_SSE_PATH); false leaves it to the HTTP app. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.opts.ssePath === undefined || requestUrl(req).pathname !== this.opts.ssePath) return false;
    try {
      this.handleEventStream(req, res);
    } catch (err) {
      this.deps.logger.warn('event stream failed', { code: 'CABLE_SOCKET_ERROR', err });
      res.destroy();
    }
    return true;
  }

  /**
   * An event stream (sse.ts): 503 while draining, 403 for a disallowed origin, 400 for a request without a channel,
   * 429 over the address limits; otherwise a connection whose transport answers once the subscription is (sse-transport.ts).
   */
  private handleEventStream(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    const allowed = isOriginAllowed(origin, req.headers.host, this.opts.allowedOrigins);
    const cors = allowed ? corsHeaders(origin) : {};
    if (req.method === 'OPTIONS') return answer(res, allowed ? 200 : 403, '', allowed ? preflightHeaders(origin) : {});
    if (req.method !== 'GET') return answer(res, 405, 'Method Not Allowed\n', { ...cors, Allow: 'GET, OPTIONS' });
    const request = readEventStreamRequest(requestUrl(req), req.headers);
    const admitted = this.admit(req, () => (typeof request === 'string' ? { status: 400, text: 'Bad Request', body: `${request}\n`, headers: {} } : undefined));
    if ('status' in admitted) return answer(res, admitted.status, admitted.body, { ...admitted.headers, ...cors });
    const { address } = admitted;
    const ask = request as EventStreamRequest; // a string (an invalid request) was refused by the check
    const transport = new SseTransport(res, { raw: ask.raw, headers: cors, io: this.opts.io });
    const { conn } = this.open(transport, address, this.streamDeps);
    res.once('close', () => {
      transport.ended();
      this.addresses.release(address);
      conn.closed();
    });
    conn.start(this.authenticateRequest(req, address));
    conn.receive(subscribeCommand(ask));
    // A subscribe that was answered with nothing (it cannot be, but a stream must never hang unanswered): 400.
    void conn.idle().then(() => transport.refuse(400));
  }

  /**
   * Checks shared by upgrades and event streams: draining (503), origin (403), then `check` (the request itself),
   * then the per-address limits (429); when admitted the address counts one more connection until released.
   */
  private admit(req: IncomingMessage, check?: () => Refusal | undefined): { address: string } | Refusal {
    if (this.draining) return { status: 503, text: 'Service Unavailable', body: 'Server restarting\n', headers: { 'Retry-After': '1' } };
    const address = clientAddress(req, this.proxies);
    if (!isOriginAllowed(req.headers.origin, req.headers.host, this.opts.allowedOrigins)) {
      this.deps.logger.warn('origin not allowed', { origin: req.headers.origin });
      return { status: 403, text: 'Forbidden', body: 'Request origin not allowed\n', headers: {} };
    }
    const invalid = check?.();
    if (invalid) return invalid;
    const refusal = this.addresses.admit(address);
    return refusal ? this.throttle(address, refusal) : { address };
  }

  /** Authenticate the request's credential (its outcome is handled by the connection). */
  private authenticateRequest(req: IncomingMessage, address: string): Promise<Identity> {
    const auth = this.authenticate({ token: extractToken(req), ip: address, userAgent: req.headers['user-agent'] });
    auth.catch(() => undefined);
    return auth;
  }

  /** Number of sockets (authenticated or not). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** The live connections (for revocation checks and remote disconnects). */
  allConnections(): Iterable<Connection<S>> {
    return this.connections.keys();
  }

  /** Open sockets by kind (`pending` until authenticated) and distinct identities, for metrics. */
  census(): { user: number; worker: number; pending: number; identities: number } {
    const out = { user: 0, worker: 0, pending: 0, identities: this.identityCap.size };
    for (const conn of this.connections.keys()) out[conn.maybeIdentity?.kind ?? 'pending'] += 1;
    return out;
  }

  /** Authenticated sockets grouped by account and by identity, the `limit` largest of each (operator dashboard). */
  roster(limit = 20): Roster {
    const accounts = new Map<string, { accountId: string; user: number; worker: number }>();
    const identities = new Map<string, RosterIdentity>();
    for (const conn of this.connections.keys()) {
      const who = conn.maybeIdentity;
      if (!who) continue;
      const account = accounts.get(who.accountId) ?? { accountId: who.accountId, user: 0, worker: 0 };
      account[who.kind] += 1;
      accounts.set(who.accountId, account);
      const id = who.kind === 'user' ? who.userId : who.workerId;
      const key = `${who.kind}:${id}`;
      const entry = identities.get(key) ?? { kind: who.kind, id, name: who.name, accountId: who.accountId, sockets: 0 };
      entry.sockets += 1;
      identities.set(key, entry);
    }
    const byAccount = [...accounts.values()].sort((a, b) => b.user + b.worker - (a.user + a.worker) || a.accountId.localeCompare(b.accountId));
    const byIdentity = [...identities.values()].sort((a, b) => b.sockets - a.sockets || a.id.localeCompare(b.id));
    return { accounts: accounts.size, byAccount: byAccount.slice(0, limit), byIdentity: byIdentity.slice(0, limit) };
  }

  /** TCP connections still waiting to complete their first HTTP request. */
  get pendingHandshakes(): number {
    return this.pending.size;
  }

  /** Publish a message to a stream (server-side producers). */
  broadcast(stream: string, message: unknown): Promise<void> {
    return this.deps.pubsub.broadcast(stream, encodeMessage(message));
  }

  /** Close every socket with `server_restart` and wait (bounded) for the channels' unsubscribed hooks. */
  async shutdown(): Promise<void> {
    this.draining = true;
    clearInterval(this.pingTimer);
    this.liveSessions.stop();
    for (const conn of this.connections.keys()) conn.disconnect('server_restart', true);
    const deadline = Date.now() + this.opts.shutdownTimeoutMs;
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // Peers that never answered the close must not hold the port open.
    for (const edge of this.connections.values()) edge.transport.terminate();
    clearInterval(this.sweepTimer);
    this.wss.close();
  }

  /** A new connection on `transport`, counted in the census, the ping and the sweep until it has closed. */
  private open(transport: WsTransport | SseTransport, address: string, deps = this.socketDeps): { conn: Connection<S>; edge: Edge } {
    const conn = new Connection<S>(transport, deps, String(this.nextId++));
    const edge: Edge = { transport, address, rate: undefined, frames: 0, framesAtSeen: 0 };
    this.connections.set(conn, edge);
    return { conn, edge };
  }

  /** The listeners of this server's WebSocket connections, made once (each finds its connection on the socket). */
  private socketListeners(): SocketListeners {
    const server = this as CableServer<unknown>;
    return {
      message(data, isBinary) {
        const { conn, edge } = this as CableSocket;
        if (!conn || !edge) return;
        server.onFrame(conn, edge, data, isBinary);
        (edge.transport as WsTransport).trimInput();
      },
      close() {
        (this as CableSocket).conn?.closed();
      },
      error(err) {
        const { conn, edge } = this as CableSocket;
        const transport = edge?.transport as WsTransport;
        if (conn) logSocketError(conn.logger, err, transport);
        transport.discardInput();
      },
    };
  }

  private accept(ws: WebSocket, auth: Promise<Identity>, sid: string | undefined, address: string): void {
    const transport = new WsTransport(ws, this.opts.io);
    // Until the welcome only small frames: an unauthenticated stranger cannot make the server buffer megabytes.
    transport.setFrameLimit(this.limits.preauthFrameBytes);
    const { conn, edge } = this.open(transport, address);
    const socket = ws as CableSocket;
    socket.conn = conn as unknown as Connection<unknown>;
    socket.edge = edge;
    socket.on('message', this.listeners.message);
    socket.on('close', this.listeners.close);
    socket.on('error', this.listeners.error);
    conn.start(auth, sid === undefined ? undefined : { restoreSid: sid });
  }

  /** One inbound frame: rate first, then binary/depth checks on the bytes, and only then text for the connection. */
  private onFrame(conn: Connection<S>, edge: Edge, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    edge.frames += 1;
    if (this.opts.io) this.opts.io.bytesIn += byteLength(data);
    if (edge.rate === undefined && (this.opts.commandRate ?? 0) > 0) edge.rate = new CommandRate(this.opts.commandRate ?? 0, this.opts.commandBurst ?? 1);
    const verdict = edge.rate?.take() ?? 'accept';
    if (verdict !== 'accept') return this.overRate(conn, edge, verdict);
    if (isBinary) return conn.receiveBinary(byteLength(data));
    const buf = data as Buffer;
    if (exceedsDepth(buf, this.opts.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH)) {
      conn.logger.warn('frame nested too deeply, dropped', { code: 'CABLE_JSON_TOO_DEEP', bytes: buf.length, limit: this.opts.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH });
      return;
    }
    conn.receive(buf.toString('utf8'));
  }

  private overRate(conn: Connection<S>, edge: Edge, verdict: Exclude<RateVerdict, 'accept'>): void {
    const rate = edge.rate as CommandRate;
    if (verdict === 'drop') {
      if (rate.dropped === 1) conn.logger.warn('commands over the rate limit dropped', { code: 'CABLE_RATE_LIMITED', limit: this.opts.commandRate });
      return;
    }
    if (edge.transport.abortedAt !== 0) return;
    conn.logger.warn('sustained command flood, closing', { code: 'CABLE_RATE_LIMITED', dropped: rate.droppedTotal });
    conn.disconnect('rate_limited', false);
  }

  private throttle(address: string, refusal: AddressRefusal): Refusal {
    this.deps.logger.warn('upgrade refused for the client address', { code: 'CABLE_UPGRADE_THROTTLED', address, reason: refusal, open: this.addresses.openFor(address) });
    this.deps.metrics?.problem('warn', 'CABLE_UPGRADE_THROTTLED');
    return { status: 429, text: 'Too Many Requests', body: refusal === 'rate' ? 'Too many connection attempts\n' : 'Too many connections from this address\n', headers: { 'Retry-After': '1' } };
  }

  /** Deadlines: handshakes, authentication, frames in progress, and sockets that ignore their close. */
  private sweep(now = Date.now()): void {
    const stale = this.pending.sweep(now);
    if (stale > 0) {
      this.deps.logger.warn('connections without a request closed', { code: 'CABLE_HANDSHAKE_TIMEOUT', closed: stale, limitMs: this.limits.handshakeTimeoutMs });
      for (let i = 0; i < stale; i += 1) this.deps.metrics?.problem('warn', 'CABLE_HANDSHAKE_TIMEOUT');
    }
    this.addresses.sweep(now);
    for (const [conn, edge] of this.connections) this.checkDeadlines(conn, edge, now);
  }

  private checkDeadlines(conn: Connection<S>, edge: Edge, now: number): void {
    // A full bucket that never dropped a frame is what a new one would be: idle sockets keep none.
    if (edge.rate?.isFresh(now)) edge.rate = undefined;
    const t = edge.transport;
    // A close ws started on its own (after a protocol error) gets the same grace as ours.
    if (t.abortedAt === 0 && t.isClosing) t.abortedAt = now;
    if (t.abortedAt !== 0) {
      if (now - t.abortedAt >= ABORT_GRACE_MS && !t.isClosed) t.terminate();
      return;
    }
    if (conn.isConnecting && now - t.openedAt >= this.limits.authTimeoutMs) {
      conn.authenticationTimedOut();
      return;
    }
    if (!t.midFrame || t.isPaused || edge.frames !== edge.framesAtSeen) {
      // Idle, paused by us, or frames completed since the last look: the clock of a frame in progress starts again.
      t.frameSeenAt = t.midFrame && !t.isPaused ? now : 0;
      edge.framesAtSeen = edge.frames;
      return;
    }
    if (t.frameSeenAt === 0) t.frameSeenAt = now;
    else if (now - t.frameSeenAt >= this.limits.frameTimeoutMs) {
      conn.logger.warn('frame not completed in time, closing', { code: 'CABLE_FRAME_TIMEOUT', limitMs: this.limits.frameTimeoutMs });
      t.close(1008);
    }
  }

  private beat(): void {
    const frame = pingFrame(Date.now() / 1000);
    // Through the hub: at 10k sockets one synchronous loop of pings would stall the event loop for ~100 ms.
    this.deps.hub.sendToEach(frame, this.everyone);
  }
}

/** The limits with "unlimited" filled in for what the options leave out. */
function edgeLimits(opts: CableServerOptions): EdgeLimits {
  const e = opts.edge ?? {};
  return {
    preauthFrameBytes: Math.min(e.preauthFrameBytes ?? opts.maxFrameBytes, opts.maxFrameBytes),
    frameTimeoutMs: e.frameTimeoutMs ?? NO_DEADLINE,
    handshakeTimeoutMs: e.handshakeTimeoutMs ?? NO_DEADLINE,
    authTimeoutMs: e.authTimeoutMs ?? NO_DEADLINE,
    maxConnectionsPerIp: e.maxConnectionsPerIp ?? 0,
    upgradeRatePerIp: e.upgradeRatePerIp ?? 0,
    upgradeBurstPerIp: e.upgradeBurstPerIp ?? 1,
    maxConnectionsPerIdentity: e.maxConnectionsPerIdentity ?? 0,
    trustedProxies: e.trustedProxies ?? [],
  };
}

/** A quarter of the shortest deadline, between 25 ms and 1 s: deadlines hold to within that. */
function sweepInterval(l: EdgeLimits): number {
  return Math.max(25, Math.min(1000, Math.floor(Math.min(l.frameTimeoutMs, l.handshakeTimeoutMs, l.authTimeoutMs) / 4)));
}

/** Answer an upgrade with a plain HTTP error and close. */
function refuse(socket: Duplex, status: number, text: string, body = '', headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** ws reports a refused frame or a broken socket with an error event (and closes the socket itself). */
function logSocketError(logger: Logger, err: Error, transport: WsTransport): void {
  const wsCode = (err as { code?: unknown }).code;
  if (wsCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
    logger.warn('frame above the size limit, socket closed with 1009', { code: 'CABLE_MESSAGE_TOO_BIG', limit: transport.frameLimit });
  } else {
    logger.warn('socket error, socket closed', { code: 'CABLE_SOCKET_ERROR', reason: typeof wsCode === 'string' ? wsCode : err.message });
  }
}

function byteLength(data: Buffer | ArrayBuffer | Buffer[]): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((n: number, b: Buffer) => n + b.length, 0);
  return data.byteLength;
}
