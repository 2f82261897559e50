// The recorded raw `ws` client the sessions drive: every frame sent and received is kept as exact text (key order
// and escaping included), with close codes, the negotiated sub-protocol and notes, in one transcript.

import type http from 'node:http';
import WebSocket from 'ws';

/** One line of a transcript. */
export type Entry =
  | { kind: 'send'; label: string; text: string; binary?: boolean }
  | { kind: 'recv'; text: string; binary?: boolean }
  | { kind: 'close'; code: number; reason: string }
  | { kind: 'info'; key: string; value: string }
  /** A per-target measurement: shown for both sides, never counted as a difference. */
  | { kind: 'stat'; key: string; value: string };

/** Resolve after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Decode a received message as UTF-8 text. */
function textOf(data: WebSocket.RawData): string {
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** A recorded raw `ws` client. Pings are dropped unless keepPings (they arrive at arbitrary points). */
export class Client {
  readonly entries: Entry[] = [];
  private readonly waiters: Array<() => void> = [];
  private lastFrameAt = Date.now();
  private closedFlag = false;
  pings = 0;

  private constructor(readonly ws: WebSocket, private readonly keepPings: boolean) {
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.received(textOf(data), isBinary));
    ws.on('close', (code: number, reason: Buffer) => {
      this.closedFlag = true;
      this.entries.push({ kind: 'close', code, reason: reason.toString('utf8') });
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  /** Connect to `url` offering `protocols`; rejects on a refused upgrade or after 10 s. */
  static open(url: string, protocols?: string[], keepPings = false): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
      const client = new Client(ws, keepPings);
      const fail = (err: Error) => (clearTimeout(timer), reject(err));
      const timer = setTimeout(() => reject(new Error(`open timed out: ${url}`)), 10_000);
      ws.once('upgrade', (res: http.IncomingMessage) => {
        client.info('negotiated protocol', JSON.stringify(res.headers['sec-websocket-protocol'] ?? null));
      });
      ws.once('open', () => (clearTimeout(timer), resolve(client)));
      ws.once('unexpected-response', (_req, res: http.IncomingMessage) => fail(new Error(`unexpected HTTP ${res.statusCode}`)));
      ws.once('error', fail);
    });
  }

  /** Whether the socket has closed. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Received frames so far (text). */
  frames(): string[] {
    return this.entries.flatMap((e) => (e.kind === 'recv' ? [e.text] : []));
  }

  /** Record and send a text frame. */
  send(label: string, text: string): void {
    this.entries.push({ kind: 'send', label, text });
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  /** Record and send a binary frame. */
  sendBinary(label: string, data: Buffer): void {
    this.entries.push({ kind: 'send', label, text: `<binary ${data.length} bytes: ${data.toString('utf8')}>`, binary: true });
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary: true });
  }

  /** Record a note. */
  info(key: string, value: string): void {
    this.entries.push({ kind: 'info', key, value });
  }

  /** Wait until `pred` holds over the received frames (or the socket closed), at most maxMs. */
  async until(pred: (frames: string[]) => boolean, maxMs: number): Promise<boolean> {
    const deadline = Date.now() + maxMs;
    while (!pred(this.frames())) {
      if (this.closedFlag || Date.now() >= deadline) return pred(this.frames());
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, Math.max(1, Math.min(50, deadline - Date.now())));
      });
    }
    return true;
  }

  /** Wait until no frame has arrived for quietMs (at most maxMs). */
  async settle(quietMs = 400, maxMs = 4000): Promise<void> {
    const start = Date.now();
    this.lastFrameAt = Math.max(this.lastFrameAt, start);
    while (Date.now() - this.lastFrameAt < quietMs && Date.now() - start < maxMs && !this.closedFlag) await sleep(25);
  }

  /** Wait for the close event (at most maxMs); records a note if the socket stays open. */
  async waitClose(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (!this.closedFlag && Date.now() < deadline) await sleep(20);
    if (!this.closedFlag) this.info('socket', `still open after ${maxMs} ms`);
  }

  /** Close with 1000 and wait for the close event (at most 2 s). */
  async close(): Promise<void> {
    if (this.closedFlag) return;
    const done = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.close(1000);
    await Promise.race([done, sleep(2000)]);
  }

  private received(text: string, isBinary: boolean): void {
    this.lastFrameAt = Date.now();
    if (!this.keepPings && !isBinary && /^\{"type":"ping","message":\d+\}$/.test(text)) this.pings += 1;
    else this.entries.push(isBinary ? { kind: 'recv', text, binary: true } : { kind: 'recv', text });
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
