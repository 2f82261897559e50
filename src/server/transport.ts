// WsTransport: the Transport of a `ws` socket. Shared fan-out frames are framed once (ws Sender.frame) and the
// same Buffer is written to every raw socket; with permessage-deflate off, ws writes synchronously, so writing
// to the raw socket keeps frame order with ws.send.

import { WebSocket } from 'ws';
import type { Transport } from '../connection/connection';
import type { PreparedFrame } from '../hub/hub';

interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}
// ws exports its Sender at runtime; @types/ws does not declare it.
const Sender = (WebSocket as unknown as { Sender: { frame(data: Buffer, opts: FrameOptions): Buffer[] } }).Sender;

/** Frame a text message once as an unmasked server frame. */
export function frameText(text: string): Buffer {
  const parts = Sender.frame(Buffer.from(text, 'utf8'), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false });
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts as Buffer[]);
}

interface RawSocket {
  write(buf: Buffer): boolean;
  writableLength: number;
  destroyed: boolean;
}

/** A `ws` WebSocket as a Transport. */
export class WsTransport implements Transport {
  private readonly raw: RawSocket;

  constructor(private readonly ws: WebSocket) {
    this.raw = (ws as unknown as { _socket: RawSocket })._socket;
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  get bufferedAmount(): number {
    return this.raw.writableLength;
  }

  send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  sendFrame(frame: PreparedFrame): void {
    if (this.ws.readyState !== WebSocket.OPEN || this.raw.destroyed) return;
    const wire = (frame.wire ??= frameText(frame.text)) as Buffer;
    this.raw.write(wire);
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  close(code: number): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code);
  }
}
