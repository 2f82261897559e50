// The WebSocket side of the server: a `ws` WebSocketServer in noServer mode taking `upgrade` events for the
// cable path, one Connection per socket, the global ping timer (one frame built per tick), broadcast
// passthrough and graceful shutdown. The only place besides transport.ts that touches `ws`.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Identity } from '../auth/identity';
import type { ConnectRequest } from '../auth/authenticator';
import { Connection, type ConnectionDeps } from '../connection/connection';
import { LiveSessions } from '../connection/live-sessions';
import { PreparedFrame } from '../hub/hub';
import type { Logger } from '../log/logger';
import { encodeMessage, encodePing } from '../protocol/codec';
import { clientIp, extractToken, isOriginAllowed, requestUrl, restoreSid, selectProtocol } from './handshake';
import { WsTransport } from './transport';

/** Settings of the cable endpoint. */
export interface CableServerOptions {
  path: string;
  allowedOrigins: ReadonlyArray<string | RegExp>;
  pingIntervalMs: number;
  maxFrameBytes: number;
  shutdownTimeoutMs: number;
}

/**
 * The size above which `ws` refuses a frame from its header and closes the socket with 1009, as websocket-driver's
 * `max_length` does under Rails. Frames between `maxFrameBytes` and this cap are read, dropped and logged.
 */
export function hardFrameCap(maxFrameBytes: number): number {
  return Math.max(maxFrameBytes * 4, 16 * 1024 * 1024);
}

/** Authenticates a connect request. */
export type AuthenticateFn = (req: ConnectRequest) => Promise<Identity>;

/** The cable endpoint. */
export class CableServer<S = unknown> {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection<S>>();
  /** Open ext-protocol connections by sid: a restore of a sid still open here takes that socket over. */
  private readonly liveSessions: LiveSessions<Connection<S>>;
  private readonly pingTimer: NodeJS.Timeout;
  private nextId = 1;

  constructor(
    private readonly opts: CableServerOptions,
    private readonly deps: Omit<ConnectionDeps<S>, 'onClosed'>,
    private readonly authenticate: AuthenticateFn,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      // Frames between maxFrameBytes and this hard cap are dropped with a log line; above it ws closes (1009).
      maxPayload: hardFrameCap(opts.maxFrameBytes),
      handleProtocols: (offered) => selectProtocol(offered),
    });
    this.pingTimer = setInterval(() => this.beat(), opts.pingIntervalMs);
    this.pingTimer.unref();
    this.liveSessions = new LiveSessions(deps.hub, deps.pubsub, deps.logger);
    // Restore notices matter only when sessions can move between processes (the pub/sub shares the session store).
    if (deps.pubsub.sessions) this.liveSessions.start();
  }

  /** Whether this upgrade request targets the cable path. */
  handles(req: IncomingMessage): boolean {
    return requestUrl(req).pathname === this.opts.path;
  }

  /** Take an `upgrade` event: 403 for a disallowed origin, otherwise upgrade and start the connection. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!isOriginAllowed(req.headers.origin, req.headers.host, this.opts.allowedOrigins)) {
      this.deps.logger.warn('origin not allowed', { origin: req.headers.origin });
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 27\r\nConnection: close\r\n\r\nRequest origin not allowed\n');
      return;
    }
    const auth = this.authenticate({ token: extractToken(req), ip: clientIp(req), userAgent: req.headers['user-agent'] });
    auth.catch(() => undefined); // handled by the connection after the upgrade
    const sid = restoreSid(req);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, auth, sid));
  }

  /** Number of sockets (authenticated or not). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** The live connections (for revocation checks and remote disconnects). */
  allConnections(): Iterable<Connection<S>> {
    return this.connections;
  }

  /** Publish a message to a stream (server-side producers). */
  broadcast(stream: string, message: unknown): Promise<void> {
    return this.deps.pubsub.broadcast(stream, encodeMessage(message));
  }

  /** Close every socket with `server_restart` and wait (bounded) for the channels' unsubscribed hooks. */
  async shutdown(): Promise<void> {
    clearInterval(this.pingTimer);
    this.liveSessions.stop();
    for (const conn of this.connections) conn.disconnect('server_restart', true);
    const deadline = Date.now() + this.opts.shutdownTimeoutMs;
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.wss.close();
  }

  private accept(ws: WebSocket, auth: Promise<Identity>, sid: string | undefined): void {
    const transport = new WsTransport(ws);
    const conn = new Connection<S>(transport, { ...this.deps, liveSessions: this.liveSessions, onClosed: (c) => this.connections.delete(c) }, String(this.nextId++));
    this.connections.add(conn);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return conn.receiveBinary(byteLength(data));
      const buf = data as Buffer;
      conn.receive(buf.toString('utf8'), buf.length);
    });
    ws.on('close', () => conn.closed());
    ws.on('error', (err) => logSocketError(conn.logger, err, this.opts.maxFrameBytes));
    conn.start(auth, { restoreSid: sid });
  }

  private beat(): void {
    const frame = new PreparedFrame(encodePing(Date.now() / 1000));
    // Through the hub: at 10k sockets one synchronous loop of pings would stall the event loop for ~100 ms.
    this.deps.hub.sendToEach(frame, this.connections);
  }
}

/** ws reports a refused frame or a broken socket with an error event (and closes the socket itself). */
function logSocketError(logger: Logger, err: Error, maxFrameBytes: number): void {
  const wsCode = (err as { code?: unknown }).code;
  if (wsCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
    logger.warn('frame above the hard cap, socket closed with 1009', { code: 'CABLE_MESSAGE_TOO_BIG', limit: hardFrameCap(maxFrameBytes) });
  } else {
    logger.warn('socket error, socket closed', { code: 'CABLE_SOCKET_ERROR', reason: typeof wsCode === 'string' ? wsCode : err.message });
  }
}

function byteLength(data: unknown): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((n: number, b: Buffer) => n + b.length, 0);
  return (data as ArrayBuffer).byteLength;
}
