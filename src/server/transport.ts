// WsTransport: the Transport of a `ws` socket. Shared fan-out frames are framed once (ws Sender.frame) and the
// same Buffer is written to every raw socket; with permessage-deflate off, ws writes synchronously, so writing
// to the raw socket keeps frame order with ws.send.

import { WebSocket } from 'ws';
import type { Transport } from '../connection/connection';
import type { FrameRun, PreparedFrame } from '../hub/hub';
import type { IoCounters } from '../metrics/metrics';
import { writeCoalescing } from './write-coalescing';

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
  cork(): void;
  uncork(): void;
  writableLength: number;
  destroyed: boolean;
}

// ws's frame parser (lib/receiver.js). Read for the frame limit and the "frame in progress" test; the fields are
// pinned by the lock file and covered by test/server/transport.test.ts.
interface Receiver {
  _maxPayload: number;
  _bufferedBytes: number;
  _buffers: Buffer[];
  _state: number;
  _fragments: unknown[];
}
const RECEIVER_IDLE = 0; // GET_INFO: waiting for the first byte of a frame

/** Bytes of an unmasked server frame carrying `payload` bytes (RFC 6455 §5.2 header sizes). */
function framedLength(payload: number): number {
  return payload + (payload < 126 ? 2 : payload < 65536 ? 4 : 10);
}

/** A `ws` WebSocket as a Transport, with the edge state the server's sweep reads (frame progress, open time). */
export class WsTransport implements Transport {
  private paused = false;
  /** When the socket was accepted (ms since epoch). */
  readonly openedAt = Date.now();
  /** When a frame in progress was first seen by the sweep (0 = none). */
  frameSeenAt = 0;
  /** When the server started closing the socket; the sweep destroys it if it is still open a moment later. */
  abortedAt = 0;

  constructor(private readonly ws: WebSocket, private readonly io: IoCounters = { bytesIn: 0, bytesOut: 0 }) {}

  /** The TCP socket under ws (read from it rather than kept: one field less per socket). */
  private get raw(): RawSocket {
    return (this.ws as unknown as { _socket: RawSocket })._socket;
  }

  /** ws's frame parser. */
  private get receiver(): Receiver {
    return (this.ws as unknown as { _receiver: Receiver })._receiver;
  }

  /** Largest frame accepted from now on; ws refuses a bigger one from its header and closes with 1009. */
  setFrameLimit(bytes: number): void {
    this.receiver._maxPayload = bytes;
  }

  /** The frame limit in force. */
  get frameLimit(): number {
    return this.receiver._maxPayload;
  }

  /** Whether part of a frame (or of a fragmented message) has arrived and the rest has not. */
  get midFrame(): boolean {
    const r = this.receiver;
    return r._bufferedBytes > 0 || r._state !== RECEIVER_IDLE || r._fragments.length > 0;
  }

  /** Whether reads are paused by backpressure (a frame stalled by our own pause is not the client's fault). */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Whether the socket is gone. */
  get isClosed(): boolean {
    return this.ws.readyState === WebSocket.CLOSED || this.raw.destroyed;
  }

  /** Whether a closing handshake is under way (started by either side, or by ws itself after a protocol error). */
  get isClosing(): boolean {
    return this.ws.readyState === WebSocket.CLOSING;
  }

  /**
   * A message was read: when nothing of the next one has arrived, ws's read queue is swapped for an empty array (one
   * without elements), since the array it pushed onto keeps room for 17 chunks for as long as the socket lives.
   */
  trimInput(): void {
    if (this.receiver._buffers.length === 0) this.receiver._buffers = [];
  }

  /**
   * The peer broke the protocol (ws is closing the socket): drop whatever of its input ws still holds, so a
   * refused 16 MiB frame does not keep its first chunks in memory until the socket is finally gone.
   */
  discardInput(): void {
    this.receiver._buffers = [];
    this.receiver._bufferedBytes = 0;
    this.receiver._fragments = [];
    if (this.abortedAt === 0) this.abortedAt = Date.now();
  }


  /** Destroy the socket without a closing handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  get bufferedAmount(): number {
    return this.raw.writableLength;
  }

  send(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.io.bytesOut += framedLength(Buffer.byteLength(text));
    // Frames of this connection written in this loop iteration leave together (write-coalescing.ts).
    writeCoalescing.hold(this.raw);
    this.ws.send(text);
  }

  sendFrame(frame: PreparedFrame): void {
    if (this.ws.readyState !== WebSocket.OPEN || this.raw.destroyed) return;
    const wire = (frame.wire ??= frameText(frame.text)) as Buffer;
    this.io.bytesOut += wire.length;
    this.raw.write(wire);
  }

  /** The frames of a run in one write; the run's wire bytes are built once and shared by every socket. */
  sendRun(run: FrameRun): void {
    if (this.ws.readyState !== WebSocket.OPEN || this.raw.destroyed) return;
    const wire = (run.wire ??= Buffer.concat(run.frames.map((f) => (f.wire ??= frameText(f.text)) as Buffer))) as Buffer;
    this.io.bytesOut += wire.length;
    this.raw.write(wire);
  }

  pause(): void {
    this.paused = true;
    this.ws.pause();
  }

  resume(): void {
    this.paused = false;
    this.ws.resume();
  }

  /**
   * Start the closing handshake with `code`. A peer that does not answer (a stalled or hostile client) would hold the
   * socket for ws's 30 s close timeout: the server's sweep destroys it after a short grace instead.
   */
  close(code: number): void {
    if (this.abortedAt === 0) this.abortedAt = Date.now();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code);
  }
}
