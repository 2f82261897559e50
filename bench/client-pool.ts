// The load generator's sockets: opens clients with a bounded number of handshakes in flight, subscribes each to
// its identifiers and waits for every confirmation, then hands every later frame to one callback.

import type { OpenRequest } from './messages';
import { RawWs } from './raw-ws';

/**
 * Clients per loopback source address: one source address reaches one server address:port through at most the
 * ephemeral port range (32768–60999, ~28k), so client i uses 127.0.0.(1 + ⌊i / this⌋): 127.0.0.1 for the first 25k, 127.0.0.2 for the next,
 * … (Linux routes all of 127.0.0.0/8 to lo; nothing to configure).
 */
export const CLIENTS_PER_SOURCE_ADDRESS = 25_000;

/** Outcome of opening the pool. */
export interface PoolResult {
  confirmed: number;
  failed: number;
  ms: number;
  errors: string[];
}

/** A worker's clients (index = global index − first). */
export class ClientPool {
  readonly sockets: Array<RawWs | undefined> = [];
  closedEarly = 0;
  private readonly errors = new Map<string, number>();

  constructor(private readonly req: OpenRequest, private readonly onFrame: (frame: Buffer) => void) {}

  /** Open and subscribe every client; resolves when each is confirmed or has failed. */
  async open(): Promise<PoolResult> {
    const started = performance.now();
    let next = 0;
    let confirmed = 0;
    const lane = async () => {
      while (next < this.req.count) {
        const local = next++;
        if (await this.openOne(local)) confirmed += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.req.window, this.req.count) }, lane));
    const errors = [...this.errors].map(([msg, n]) => `${n}× ${msg}`);
    return { confirmed, failed: this.req.count - confirmed, ms: performance.now() - started, errors };
  }

  /** The socket of global client `index`, if open. */
  socket(index: number): RawWs | undefined {
    return this.sockets[index - this.req.first];
  }

  /** Close every socket. */
  closeAll(): void {
    for (const ws of this.sockets) ws?.close();
  }

  private async openOne(local: number): Promise<boolean> {
    const index = this.req.first + local;
    const { tokens, identifiers, timeoutMs } = this.req;
    const token = tokens.length > 0 ? tokens[index % tokens.length] : undefined;
    const base = this.req.urls[index % this.req.urls.length] as string;
    const url = token ? `${base}?token=${encodeURIComponent(token.token)}` : base;
    const localAddress = index >= CLIENTS_PER_SOURCE_ADDRESS ? `127.0.0.${1 + Math.floor(index / CLIENTS_PER_SOURCE_ADDRESS)}` : undefined;
    const ids = identifiers.map((id) => id.replace('%i', String(index)).replace('%a', token?.account ?? ''));
    let pending = ids.length;
    let settled = false;
    let outcome: (ok: boolean) => void = () => undefined;
    const settle = (ws: RawWs, ok: boolean, why?: string) => {
      if (settled) return;
      settled = true;
      if (ok) this.sockets[local] = ws;
      else (this.count(why ?? 'failed'), ws.close());
      outcome(ok);
    };
    // Frames can arrive with the upgrade response, so the handler exists before the socket does.
    const onText = (data: Buffer, ws: RawWs) => {
      if (settled) return this.onFrame(data);
      const frame = JSON.parse(data.toString()) as { type?: string; reason?: string };
      if (frame.type === 'welcome') for (const identifier of ids) ws.send(JSON.stringify({ command: 'subscribe', identifier }));
      else if (frame.type === 'confirm_subscription' && (pending -= 1) === 0) settle(ws, true);
      else if (frame.type === 'reject_subscription' || frame.type === 'disconnect') settle(ws, false, `${frame.type} ${frame.reason ?? ''}`.trim());
    };
    const done = new Promise<boolean>((resolve) => (outcome = resolve));
    let ws: RawWs;
    try {
      ws = await RawWs.open(url, { localAddress, timeoutMs, onText });
    } catch (err) {
      this.count((err as NodeJS.ErrnoException).code ?? (err as Error).message);
      return false;
    }
    ws.onClose = () => {
      if (settled && this.sockets[local] === ws) this.closedEarly += 1;
      settle(ws, false, 'closed before confirmation');
    };
    const timer = setTimeout(() => settle(ws, false, 'not confirmed in time'), timeoutMs);
    const ok = await done;
    clearTimeout(timer);
    return ok;
  }

  private count(why: string): void {
    this.errors.set(why, (this.errors.get(why) ?? 0) + 1);
  }
}
