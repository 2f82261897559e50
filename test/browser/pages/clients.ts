// The page of the browser client suite (bundled by esbuild at test time): three real browser clients the test drives
// through `window.harness` — @rails/actioncable's consumer, @anycable/web, and a raw WebSocket client that behaves
// like Powernode's singleton WebSocketManager (frontend/src/shared/services/WebSocketManager.ts with
// useWebSocket's token refresh; test/support/powernode-clients.ts models the same code in Node): no sub-protocol,
// `?token=`, exponential reconnect, and on `disconnect unauthorized` a token refresh, then a reconnect.

import { createConsumer } from '@rails/actioncable';
import { createCable } from '@anycable/web';

type Json = Record<string, unknown>;
/** What a client did, in order: the test waits on these. */
interface HarnessEvent {
  type: 'connected' | 'received' | 'disconnected' | 'rejected' | 'refreshed' | 'closed' | 'opened';
  data?: unknown;
  at: number;
}

/** How a client is started: the cable URL (without query), its token, the identifier, where to get a fresh token. */
interface StartOptions {
  url: string;
  token: string;
  channel: string;
  params: Json;
  refreshUrl?: string;
}

const events: HarnessEvent[] = [];
const record = (type: HarnessEvent['type'], data?: unknown) => events.push({ type, data, at: Date.now() });

/** @rails/actioncable: `createConsumer(url?token=)` and one subscription. */
function actionCable(o: StartOptions): void {
  const consumer = createConsumer(`${o.url}?token=${encodeURIComponent(o.token)}`);
  consumer.subscriptions.create(
    { channel: o.channel, ...o.params },
    {
      connected: () => record('connected'),
      disconnected: () => record('disconnected'),
      rejected: () => record('rejected'),
      received: (data: unknown) => record('received', data),
    },
  );
}

/** @anycable/web: `createCable(url?token=)` (Action Cable JSON protocol) and `subscribeTo`. */
function anyCable(o: StartOptions): void {
  const cable = createCable(`${o.url}?token=${encodeURIComponent(o.token)}`, { logLevel: 'error' });
  const channel = cable.subscribeTo(o.channel, o.params as Record<string, string | number | boolean>);
  channel.on('connect', () => record('connected'));
  channel.on('disconnect', () => record('disconnected'));
  channel.on('close', (e) => record(e && /rejected/i.test(String(e.reason ?? e.message ?? '')) ? 'rejected' : 'closed', e ? String(e.reason ?? e.message) : undefined));
  channel.on('message', (data) => record('received', data));
}

/** Powernode's WebSocketManager, as far as the cable sees it (the Node double quotes each line it mirrors). */
class PowernodeManager {
  private ws: WebSocket | null = null;
  private reconnectAttempts = 0;
  private readonly maxReconnectAttempts = 10;
  private lastConnectAttempt = 0;
  private isRefreshingToken = false;
  private readonly subscriptions = new Map<string, { channel: string; params: Json }>();

  constructor(private readonly baseUrl: string, private token: string, private readonly refreshUrl: string | undefined) {}

  // useWebSocket: `${baseUrl}?token=${encodeURIComponent(accessToken)}`
  private get url(): string {
    return `${this.baseUrl}?token=${encodeURIComponent(this.token)}`;
  }

  /** Two backoff gates (2^n s since the last attempt) and a 100 ms debounce before `new WebSocket(url)`. */
  connect(): void {
    if (this.ws && (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN)) return;
    const since = Date.now() - this.lastConnectAttempt;
    const minBackoff = Math.min(1000 * Math.pow(2, this.reconnectAttempts), 30000);
    if (since < minBackoff) {
      setTimeout(() => this.connect(), minBackoff - since);
      return;
    }
    this.lastConnectAttempt = Date.now();
    setTimeout(() => this.executeConnect(), 100);
  }

  subscribe(channel: string, params: Json): void {
    this.subscriptions.set(`${channel}::${JSON.stringify(params)}`, { channel, params });
    if (this.ws?.readyState === WebSocket.OPEN) this.send({ command: 'subscribe', identifier: JSON.stringify({ channel, ...params }) });
  }

  private executeConnect(): void {
    const ws = new WebSocket(this.url); // no sub-protocol, as the manager opens it
    this.ws = ws;
    ws.onopen = () => {
      record('opened');
      this.reconnectAttempts = 0;
      for (const { channel, params } of this.subscriptions.values()) this.send({ command: 'subscribe', identifier: JSON.stringify({ channel, ...params }) });
    };
    ws.onmessage = (e) => this.handleMessage(String(e.data));
    ws.onclose = (e) => this.handleClose(e.code);
  }

  private handleMessage(text: string): void {
    const data = JSON.parse(text) as Json;
    if (data.type === 'welcome' || data.type === 'ping') return;
    if (data.type === 'confirm_subscription') return void record('connected');
    if (data.type === 'reject_subscription') return void record('rejected');
    if (data.type === 'disconnect' && data.reason === 'unauthorized') {
      // The old socket is dropped without its onclose; a fresh token, then a reconnect a second later.
      if (this.isRefreshingToken) return;
      this.isRefreshingToken = true;
      const old = this.ws;
      this.ws = null;
      if (old) {
        old.onclose = null;
        old.close();
      }
      record('disconnected', 'unauthorized');
      void this.refresh();
      return;
    }
    if (data.type === 'disconnect') return void record('disconnected', data.reason);
    if (typeof data.identifier === 'string' && data.message) record('received', data.message);
  }

  private async refresh(): Promise<void> {
    if (!this.refreshUrl) return;
    this.token = await (await fetch(this.refreshUrl)).text();
    record('refreshed');
    setTimeout(() => {
      this.isRefreshingToken = false;
      this.reconnectAttempts = 0;
      this.connect();
    }, 1000);
  }

  // Reconnect unless closed with 1000: 3 s × 1.5^(n-1), at most 30 s, at most 10 attempts.
  private handleClose(code: number): void {
    record('closed', code);
    if (code === 1000) return;
    this.reconnectAttempts += 1;
    const backoff = Math.min(3000 * Math.pow(1.5, this.reconnectAttempts - 1), 30000);
    if (this.reconnectAttempts <= this.maxReconnectAttempts) setTimeout(() => this.connect(), backoff);
  }

  private send(frame: Json): void {
    this.ws?.send(JSON.stringify(frame));
  }
}

function powernode(o: StartOptions): void {
  const manager = new PowernodeManager(o.url, o.token, o.refreshUrl);
  manager.subscribe(o.channel, o.params);
  manager.connect();
}

const CLIENTS = { actioncable: actionCable, anycable: anyCable, powernode };

/** What the test calls with page.evaluate. */
const harness = {
  events,
  start(kind: keyof typeof CLIENTS, options: StartOptions): void {
    CLIENTS[kind](options);
  },
  count(type: HarnessEvent['type']): number {
    return events.filter((e) => e.type === type).length;
  },
};

(window as unknown as { harness: typeof harness }).harness = harness;
