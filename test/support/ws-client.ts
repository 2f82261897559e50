// A raw `ws` test client that queues decoded frames and waits for the ones a test expects.

import WebSocket from 'ws';

/** A raw cable client. */
export interface RawClient {
  ws: WebSocket;
  frames: Array<Record<string, unknown>>;
  /** Next frame (skipping pings unless asked) matching `pred`, or reject after `timeoutMs`. */
  next(pred?: (f: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Assert no frame matching `pred` arrives within `ms`. */
  none(pred: (f: Record<string, unknown>) => boolean, ms?: number): Promise<void>;
  send(frame: unknown): void;
  closed: Promise<{ code: number }>;
  close(): void;
}

/** Open a raw client; resolves once the socket is open. */
export function openRaw(url: string, opts: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<RawClient> {
  const ws = new WebSocket(url, opts.protocols ?? [], { headers: opts.headers });
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let cursor = 0;
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Record<string, unknown>);
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<{ code: number }>((resolve) => ws.on('close', (code) => resolve({ code })));
  const notPing = (f: Record<string, unknown>) => f.type !== 'ping';
  const client: RawClient = {
    ws,
    frames,
    closed,
    next(pred = notPing, timeoutMs = 4000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timeout waiting for frame; seen ${JSON.stringify(frames.slice(-5))}`)), timeoutMs);
        const check = () => {
          while (cursor < frames.length) {
            const f = frames[cursor++] as Record<string, unknown>;
            if (pred(f)) {
              clearTimeout(timer);
              return resolve(f);
            }
          }
          waiters.push(check);
        };
        check();
      });
    },
    async none(pred, ms = 400) {
      const start = frames.length;
      await new Promise((r) => setTimeout(r, ms));
      const hit = frames.slice(start).find(pred);
      if (hit) throw new Error(`unexpected frame ${JSON.stringify(hit)}`);
    },
    send(frame) {
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    close() {
      ws.close();
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
  });
}
