// One fuzzing client socket (`ws`): opens with a token and sub-protocol, waits for the welcome, sends fuzz frames
// paced below a per-socket rate, remembers the last frames it sent, tracks confirmed identifiers, and probes the
// server with a fresh valid subscribe (and ext `ping`) to prove the socket is still served.

import WebSocket from 'ws';
import type { FuzzIdentity } from './cast';
import { describeFrame, type FuzzFrame } from './frames';
import { sleep } from '../wait';

/** Who a socket connects as and with which sub-protocol (none = Powernode's raw-WebSocket clients). */
export interface SocketSpec {
  identity: FuzzIdentity;
  protocol?: 'actioncable-v1-json' | 'actioncable-v1-ext-json';
}

/** How a socket ended. */
export interface CloseInfo {
  code: number;
  reason: string;
  /** The `disconnect` frame the server sent before closing, if any. */
  disconnect?: Record<string, unknown>;
}

/** The outcome of a probe subscribe. */
export type ProbeOutcome = 'confirmed' | 'rejected' | 'timeout' | 'closed';

type Frame = Record<string, unknown>;
type Waiter = { pred: (f: Frame) => boolean; resolve: (f: Frame | null) => void };

const RECENT_FRAMES = 40;
const BUFFER_HIGH_WATER = 1024 * 1024;
let probeCounter = 0;

/** A short name of a spec, e.g. `acme/viewer+ext`. */
export function specLabel(spec: SocketSpec): string {
  const suffix = spec.protocol === 'actioncable-v1-ext-json' ? '+ext' : spec.protocol ? '+json' : '';
  return `${spec.identity.label}${suffix}`;
}

/** A connected fuzzing socket. */
export class FuzzSocket {
  /** Identifiers the server confirmed and we have not unsubscribed. */
  readonly confirmed = new Set<string>();
  /** Frames sent, oldest first (the last RECENT_FRAMES). */
  readonly recent: string[] = [];
  closeInfo: CloseInfo | undefined;
  sent = 0;
  /** Identifiers confirmed since the last drainConfirmations() (probes excluded). */
  private fresh: string[] = [];
  private waiters: Waiter[] = [];
  private nextSendAt = 0;

  private constructor(
    readonly spec: SocketSpec,
    readonly ws: WebSocket,
    private readonly intervalMs: number,
  ) {
    ws.on('message', (data, isBinary) => this.onFrame(isBinary ? null : String(data)));
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
    ws.on('error', () => undefined); // surfaced through 'close'
  }

  /** Open a socket for `spec`; `early` frames go out right after the TCP/HTTP upgrade, before the welcome. */
  static open(url: string, spec: SocketSpec, opts: { ratePerSecond: number; early?: FuzzFrame[]; timeoutMs?: number }): Promise<FuzzSocket> {
    const ws = new WebSocket(`${url}?token=${encodeURIComponent(spec.identity.token)}`, spec.protocol ? [spec.protocol] : []);
    const socket = new FuzzSocket(spec, ws, 1000 / opts.ratePerSecond);
    const welcome = socket.waitFor((f) => f.type === 'welcome', opts.timeoutMs ?? 10_000);
    ws.once('open', () => opts.early?.forEach((f) => socket.sendNow(f)));
    return welcome.then((f) => {
      if (f) return socket;
      ws.terminate();
      const code = socket.closeInfo?.code;
      throw Object.assign(new Error(`${specLabel(spec)}: no welcome (${code === undefined ? 'timeout' : `closed ${code}`})`), { closeCode: code });
    });
  }

  /** Whether the socket is still open. */
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN && this.closeInfo === undefined;
  }

  /** Send `frame` once the pacing allows it and the client-side buffer has drained. */
  async send(frame: FuzzFrame): Promise<void> {
    const wait = this.nextSendAt - performance.now();
    if (wait > 1) await sleep(wait);
    while (this.isOpen && this.ws.bufferedAmount > BUFFER_HIGH_WATER) await sleep(5);
    this.nextSendAt = Math.max(this.nextSendAt, performance.now() - 50) + this.intervalMs;
    this.sendNow(frame);
  }

  /** Send `frame` immediately (no pacing). */
  sendNow(frame: FuzzFrame): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.remember(describeFrame(frame));
    this.sent += 1;
    if (frame.kind === 'text') this.ws.send(frame.text);
    else this.ws.send(frame.bytes, { binary: frame.kind === 'binary' });
    if (frame.kind === 'text') this.trackUnsubscribe(frame.text);
  }

  /** Subscribe a fresh valid identifier; resolves with the server's answer (unsubscribed again when confirmed). */
  async probe(timeoutMs = 5000): Promise<ProbeOutcome> {
    if (!this.isOpen) return 'closed';
    probeCounter += 1;
    const channel = this.spec.identity.kind === 'worker' ? 'WorkerDataChannel' : 'PlatformStatusChannel';
    const identifier = JSON.stringify({ channel, fuzz_probe: probeCounter });
    const answer = this.waitFor((f) => f.identifier === identifier && (f.type === 'confirm_subscription' || f.type === 'reject_subscription'), timeoutMs);
    this.ws.send(JSON.stringify({ command: 'subscribe', identifier }));
    const frame = await answer;
    if (!frame) return this.isOpen ? 'timeout' : 'closed';
    if (frame.type === 'reject_subscription') return 'rejected';
    this.ws.send(JSON.stringify({ command: 'unsubscribe', identifier }));
    this.confirmed.delete(identifier);
    return 'confirmed';
  }

  /** Unsubscribe everything the server confirmed (frees the subscription and stream slots a storm used). */
  releaseAll(): void {
    for (const identifier of this.confirmed) if (this.isOpen) this.ws.send(JSON.stringify({ command: 'unsubscribe', identifier }));
    this.confirmed.clear();
  }

  /** Ext protocol: round trip of `{"command":"ping"}` → `{"type":"pong"}` in ms, or null on timeout/close. */
  async pingRtt(timeoutMs = 5000): Promise<number | null> {
    if (!this.isOpen) return null;
    const started = performance.now();
    const pong = this.waitFor((f) => f.type === 'pong', timeoutMs);
    this.ws.send('{"command":"ping"}');
    return (await pong) ? performance.now() - started : null;
  }

  /** The next frame matching `pred`, or null after `timeoutMs` or when the socket closes. */
  waitFor(pred: (f: Frame) => boolean, timeoutMs: number): Promise<Frame | null> {
    if (this.closeInfo) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), timeoutMs);
      const waiter: Waiter = { pred, resolve: (f) => done(f) };
      const done = (f: Frame | null) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(f);
      };
      this.waiters.push(waiter);
    });
  }

  /** Close from our side and wait for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    const timer = setTimeout(() => this.ws.terminate(), 2000);
    this.ws.close();
    await closed;
    clearTimeout(timer);
  }

  private onFrame(text: string | null): void {
    let frame: Frame;
    try {
      frame = text === null ? { type: '__binary__' } : (JSON.parse(text) as Frame);
    } catch {
      frame = { type: '__not_json__', text };
    }
    if (frame.type === 'confirm_subscription' && typeof frame.identifier === 'string') this.noteConfirmed(frame.identifier);
    if (frame.type === 'disconnect') this.closeInfo = { code: -1, reason: '', disconnect: frame };
    for (const w of [...this.waiters]) if (w.pred(frame)) w.resolve(frame);
  }

  /** The identifiers the server confirmed since the previous call (for the account-isolation check). */
  drainConfirmations(): string[] {
    return this.fresh.splice(0);
  }

  private noteConfirmed(identifier: string): void {
    this.confirmed.add(identifier);
    if (!identifier.includes('"fuzz_probe"') && this.fresh.length < 1000) this.fresh.push(identifier);
  }

  private onClose(code: number, reason: string): void {
    this.closeInfo = { code, reason, disconnect: this.closeInfo?.disconnect };
    for (const w of [...this.waiters]) w.resolve(null);
  }

  private trackUnsubscribe(text: string): void {
    if (!text.startsWith('{"command":"unsubscribe"')) return;
    try {
      const id = (JSON.parse(text) as Frame).identifier;
      if (typeof id === 'string') this.confirmed.delete(id);
    } catch {
      // a mutated frame: the server ignores it too
    }
  }

  private remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > RECENT_FRAMES) this.recent.shift();
  }
}
