// Test doubles that behave exactly like Powernode's own client code (rett/powernode-platform), so the server is
// tested against what those clients really do: the browser singleton WebSocketManager with useWebSocket's token
// refresh, the raw DevOps hook that answers pings, and the worker's Ruby ActionCableClient. Each method quotes the
// lines it mirrors; timings are the real ones.

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

type Json = Record<string, unknown>;

/** frontend/src/shared/services/WebSocketManager.ts + frontend/src/shared/hooks/useWebSocket.ts. */
export class PowernodeManager {
  /** Frames the manager received (parsed), for assertions. */
  readonly received: Json[] = [];
  /** Close codes it saw, in order. */
  readonly closes: number[] = [];
  /** Messages delivered to subscribers, by channel key. */
  readonly delivered = new Map<string, unknown[]>();
  refreshes = 0;
  isConnected = false;
  /** Set after 'Connection failed repeatedly' or a refresh failure: the manager gave up. */
  gaveUp = false;
  private ws: WebSocket | null = null;
  private reconnectAttempts = 0;
  private readonly maxReconnectAttempts = 10;
  private lastConnectAttempt = 0;
  private isRefreshingToken = false;
  private timers = new Set<NodeJS.Timeout>();
  private readonly subscriptions = new Map<string, { channel: string; params: Json }>();
  private stopped = false;

  /** `baseUrl` is `ws://host:port/cable`; `token()` is Redux's current access token; `refresh()` is refreshAccessToken. */
  constructor(private readonly baseUrl: string, private token: string, private readonly refreshToken: () => Promise<string>) {}

  // useWebSocket.ts:89-93 — `const wsUrl = accessToken ? `${baseUrl}?token=${encodeURIComponent(accessToken)}` : baseUrl;`
  private get url(): string {
    return `${this.baseUrl}?token=${encodeURIComponent(this.token)}`;
  }

  /** WebSocketManager.connect(): two backoff gates and a 100 ms debounce before `new WebSocket(wsUrl)` (no sub-protocol). */
  connect(): void {
    if (this.stopped || (this.ws && (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN))) return;
    // `const minBackoffTime = Math.min(1000 * Math.pow(2, this.reconnectAttempts), 30000); if (timeSinceLastAttempt < minBackoffTime) { … setTimeout(connect, minBackoffTime - timeSinceLastAttempt) }`
    const since = Date.now() - this.lastConnectAttempt;
    const minBackoff = Math.min(1000 * Math.pow(2, this.reconnectAttempts), 30000);
    if (since < minBackoff) return this.later(() => this.connect(), minBackoff - since);
    this.lastConnectAttempt = Date.now();
    // `this.connectDebounceTimeout = setTimeout(() => { this.executeConnect(); }, 100);`
    this.later(() => this.executeConnect(), 100);
  }

  /** Subscribe `{channel, ...params}` (sent at once when open, else on the next open). */
  subscribe(channel: string, params: Json = {}): void {
    const key = channelKey(channel, params);
    this.subscriptions.set(key, { channel, params });
    if (this.ws?.readyState === WebSocket.OPEN) this.send({ command: 'subscribe', identifier: JSON.stringify({ channel, ...params }) });
  }

  /** `sendMessage(channel, action, data, params)`: `{command:'message', identifier, data: JSON.stringify({action, ...data})}`. */
  sendMessage(channel: string, action: string, data: Json = {}, params: Json = {}): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.send({ command: 'message', identifier: JSON.stringify({ channel, ...params }), data: JSON.stringify({ action, ...data }) });
    return true;
  }

  /** Logout: `disconnect()` closes with `1000 'User disconnect'`. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.close(1000, 'User disconnect');
    }
  }

  private executeConnect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.on('error', () => this.handleError());
    ws.on('open', () => {
      // `this.ws.onopen = () => { …; this.reconnectAttempts = 0; …; this.resubscribeAllChannels(); }`
      this.isConnected = true;
      this.reconnectAttempts = 0;
      for (const { channel, params } of this.subscriptions.values()) this.send({ command: 'subscribe', identifier: JSON.stringify({ channel, ...sorted(params) }) });
    });
    ws.on('message', (data) => this.handleMessage(String(data)));
    ws.on('close', (code) => this.handleClose(code));
  }

  // WebSocketManager.handleMessage (256-333)
  private handleMessage(text: string): void {
    const data = JSON.parse(text) as Json;
    this.received.push(data);
    // `if (data.type === 'welcome' || data.type === 'ping') { return; }`
    if (data.type === 'welcome' || data.type === 'ping') return;
    // `if (data.type === 'disconnect' && data.reason === 'unauthorized') { … oldWs.onclose = null; … oldWs.close(); }`
    if (data.type === 'disconnect' && data.reason === 'unauthorized') {
      if (!this.isRefreshingToken) {
        this.isRefreshingToken = true;
        const old = this.ws;
        this.ws = null;
        this.isConnected = false;
        if (old) {
          old.removeAllListeners();
          old.on('error', () => undefined);
          old.close();
        }
        void this.onSessionExpired();
      }
      return;
    }
    // Data frames: `if (data.identifier) { … if (subscriptions && data.message) … }` (a `disconnect` of any other reason falls through and is ignored).
    if (typeof data.identifier === 'string' && data.message) {
      const { channel, ...params } = JSON.parse(data.identifier) as Json;
      const key = channelKey(String(channel), params);
      this.delivered.set(key, [...(this.delivered.get(key) ?? []), data.message]);
    }
  }

  // useWebSocket.ts:117-149 handleUnauthorized: `dispatch(refreshAccessToken()) … setTimeout(() => { wsManager.reconnect(); }, 1000);`
  private async onSessionExpired(): Promise<void> {
    try {
      this.token = await this.refreshToken();
      this.refreshes += 1;
    } catch {
      this.gaveUp = true;
      return;
    }
    this.later(() => {
      // WebSocketManager.reconnect(): `isRefreshingToken=false; reconnectAttempts=0; connect()`
      this.isRefreshingToken = false;
      this.reconnectAttempts = 0;
      this.connect();
    }, 1000);
  }

  // WebSocketManager.handleClose (344-374): reconnect only when `event.code !== 1000`.
  private handleClose(code: number): void {
    this.isConnected = false;
    this.closes.push(code);
    if (code !== 1000 && !this.stopped) {
      this.reconnectAttempts += 1;
      const backoff = Math.min(3000 * Math.pow(1.5, this.reconnectAttempts - 1), 30000);
      if (this.reconnectAttempts <= this.maxReconnectAttempts) this.later(() => this.connect(), backoff);
      else this.gaveUp = true;
    }
  }

  private handleError(): void {
    this.isConnected = false;
  }

  private send(frame: Json): void {
    this.ws?.send(JSON.stringify(frame));
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

/** WebSocketManager.getChannelKey: `${channel}::${JSON.stringify(sortedParams)}`. */
export function channelKey(channel: string, params: Json): string {
  return `${channel}::${JSON.stringify(sorted(params))}`;
}

function sorted(params: Json): Json {
  return Object.fromEntries(Object.keys(params).sort().map((k) => [k, params[k]]));
}

/**
 * features/devops/pipelines/hooks/useDevopsWebSocket.ts: a raw socket that answers every server ping with
 * `{"type":"pong"}` (`if (data.type === 'ping') { this.send({ type: 'pong' }); return; }`) and sends `{"type":"ping"}`
 * every 30 s (`setInterval(() => { this.send({ type: 'ping' }); }, 30000)`); `heartbeatMs` shortens that for a test.
 */
export async function devopsSocket(url: string, accountId: string, heartbeatMs = 30000): Promise<{ ws: WebSocket; messages: Json[]; close(): void }> {
  const ws = new WebSocket(url);
  const messages: Json[] = [];
  await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
  ws.send(JSON.stringify({ command: 'subscribe', identifier: JSON.stringify({ channel: 'DevopsPipelineChannel', account_id: accountId }) }));
  ws.on('message', (raw) => {
    const data = JSON.parse(String(raw)) as { type?: string; message?: Json };
    if (data.type === 'ping') return ws.send(JSON.stringify({ type: 'pong' }));
    if (data.message && data.message.type) messages.push(data.message);
  });
  const heartbeat = setInterval(() => ws.send(JSON.stringify({ type: 'ping' })), heartbeatMs);
  return { ws, messages, close: () => (clearInterval(heartbeat), ws.close()) };
}

/**
 * worker/app/services/action_cable_client.rb (websocket-client-simple underneath, which surfaces neither close
 * frames nor EOF: only a `disconnect` frame tells it the socket is gone).
 */
export class RubyActionCableClient {
  static readonly DEFAULT_TIMEOUT = 30_000;
  connected = false;
  private ws: WebSocket | undefined;
  private welcome = false;
  private subscribed: boolean | undefined;
  private readonly identifier: string;
  private readonly pending = new Map<string, (response: Json | null) => void>();

  // `def initialize(url, token, channel: "WorkerToolDispatchChannel") … @channel_identifier = { channel: channel }.to_json`
  constructor(private readonly url: string, private readonly token: string, channel = 'WorkerToolDispatchChannel') {
    this.identifier = JSON.stringify({ channel });
  }

  // `ws_url = "#{@url}?token=#{@token}"; … wait_for_welcome(timeout: 5); subscribe_to_channel; wait_for_subscription(timeout: 5); @connected = true`
  async connect(): Promise<this> {
    this.ws = new WebSocket(`${this.url}?token=${this.token}`);
    this.ws.on('message', (raw) => this.handleMessage(String(raw)));
    this.ws.on('error', () => undefined);
    await until(() => this.welcome, 5000, 'WebSocket welcome timeout');
    this.ws.send(JSON.stringify({ command: 'subscribe', identifier: this.identifier }));
    await until(() => this.subscribed !== undefined, 5000, 'WebSocket subscription timeout');
    if (!this.subscribed) throw new Error('WebSocket subscription rejected');
    this.connected = true;
    return this;
  }

  // `raise "Not connected" unless connected?; request_id = SecureRandom.uuid; … @ws.send(message); … cv.wait(timeout); raise "WebSocket request timeout (#{action})" unless entry[:response]`
  async sendRequest(action: string, params: Json = {}, timeoutMs = RubyActionCableClient.DEFAULT_TIMEOUT): Promise<Json> {
    if (!this.connected) throw new Error('Not connected');
    const requestId = randomUUID();
    const response = new Promise<Json | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      this.pending.set(requestId, (r) => (clearTimeout(timer), resolve(r)));
    });
    this.ws?.send(JSON.stringify({ command: 'message', identifier: this.identifier, data: JSON.stringify({ action, request_id: requestId, ...params }) }));
    const result = await response;
    this.pending.delete(requestId);
    if (!result) throw new Error(`WebSocket request timeout (${action})`);
    return result;
  }

  /** `@ws.close` after an unsubscribe. */
  disconnect(): void {
    this.ws?.send(JSON.stringify({ command: 'unsubscribe', identifier: this.identifier }));
    this.ws?.close();
    this.connected = false;
  }

  // handle_message: welcome / confirm / reject / ping / disconnect (`@connected = false; wake_all_pending`) / correlate by request_id.
  private handleMessage(text: string): void {
    const data = JSON.parse(text) as Json;
    switch (data.type) {
      case 'welcome':
        this.welcome = true;
        return;
      case 'confirm_subscription':
        this.subscribed = true;
        return;
      case 'reject_subscription':
        this.subscribed = false;
        return;
      case 'ping':
        return;
      case 'disconnect':
        this.connected = false;
        this.subscribed = false;
        for (const wake of this.pending.values()) wake(null);
        return;
      default: {
        const message = data.message as Json | undefined;
        if (message && typeof message === 'object' && message.request_id) this.pending.get(String(message.request_id))?.(message);
      }
    }
  }
}

async function until(check: () => boolean, timeoutMs: number, error: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(error);
    await new Promise((r) => setTimeout(r, 10));
  }
}
