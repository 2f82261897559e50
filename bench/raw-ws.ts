// A minimal WebSocket client for the load generator: the HTTP upgrade by hand and a frame parser fed through
// net's `onread` (one shared buffer, no stream machinery), because on a 2-core box every microsecond the clients
// spend per delivery is taken from the server being measured. Text frames only; client frames are masked.

import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { frameBounds, readFrame } from './ws-frame';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const SHARED_READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const HEADER_END = Buffer.from('\r\n\r\n');

/** Connection options. */
export interface RawWsOptions {
  localAddress?: string;
  timeoutMs: number;
  /** Called with each text frame's payload (the Buffer is only valid during the call), from the first frame on. */
  onText: (payload: Buffer, ws: RawWs) => void;
}

/** One client socket speaking just enough RFC 6455 for the bench. */
export class RawWs {
  /** Called once when an upgraded socket closes. */
  onClose: () => void = () => undefined;
  private readonly socket: net.Socket;
  private pending: Buffer | undefined;
  private upgraded = false;
  private closed = false;

  private constructor(url: URL, private readonly opts: RawWsOptions, onOpen: (err?: Error) => void) {
    const key = randomBytes(16).toString('base64');
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    this.socket = net.connect({
      host: url.hostname,
      port: Number(url.port),
      localAddress: opts.localAddress,
      noDelay: true,
      onread: { buffer: SHARED_READ_BUFFER, callback: (n) => (this.onRead(SHARED_READ_BUFFER.subarray(0, n), accept, onOpen), true) },
    });
    this.socket.setTimeout(opts.timeoutMs, () => this.socket.destroy(new Error('handshake timeout')));
    this.socket.on('connect', () => {
      const head = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`;
      this.socket.write(`${head}Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    this.socket.on('error', (err) => (this.upgraded ? undefined : onOpen(err)));
    this.socket.on('close', () => this.markClosed(onOpen));
  }

  /** Connect and complete the upgrade. */
  static open(url: string, opts: RawWsOptions): Promise<RawWs> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const ws: RawWs = new RawWs(new URL(url), opts, (err) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve(ws);
      });
    });
  }

  /** Send one masked text frame. */
  send(text: string): void {
    if (this.closed) return;
    const payload = Buffer.from(text);
    const len = payload.length;
    const head = Buffer.alloc(len < 126 ? 6 : len < 65536 ? 8 : 14);
    head[0] = 0x81;
    if (len < 126) head[1] = 0x80 | len;
    else if (len < 65536) (head[1] = 0x80 | 126), head.writeUInt16BE(len, 2);
    else (head[1] = 0x80 | 127), head.writeBigUInt64BE(BigInt(len), 2);
    const mask = randomBytes(4);
    mask.copy(head, head.length - 4);
    for (let i = 0; i < len; i += 1) payload[i] = (payload[i] as number) ^ (mask[i & 3] as number);
    this.socket.write(Buffer.concat([head, payload]));
  }

  /** Drop the connection. */
  close(): void {
    this.socket.destroy();
  }

  private markClosed(onOpen: (err?: Error) => void): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.upgraded) onOpen(new Error('closed during handshake'));
    else this.onClose();
  }

  private onRead(chunk: Buffer, accept: string, onOpen: (err?: Error) => void): void {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    if (!this.upgraded) {
      const end = data.indexOf(HEADER_END);
      if (end < 0) return void (this.pending = Buffer.from(data));
      const head = data.toString('latin1', 0, end);
      if (!head.startsWith('HTTP/1.1 101') || !head.includes(accept)) {
        onOpen(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        this.socket.destroy();
        return;
      }
      this.upgraded = true;
      this.socket.setTimeout(0);
      onOpen();
      data = data.subarray(end + 4);
    }
    const rest = this.parseFrames(data);
    // The read buffer is shared and reused: keep an incomplete frame as a copy.
    if (rest < data.length) this.pending = Buffer.from(data.subarray(rest));
  }

  /** Dispatch every complete frame in `data`; returns the offset of the first incomplete one. */
  private parseFrames(data: Buffer): number {
    const frame = frameBounds();
    let at = 0;
    while (readFrame(data, at, frame)) {
      if (frame.opcode === 0x1) this.opts.onText(data.subarray(frame.start, frame.end), this);
      else if (frame.opcode === 0x8) this.socket.end();
      at = frame.end;
    }
    return at;
  }
}
