// A WebSocket client on a bare TCP socket, for tests that must do what no well-behaved client library does:
// announce a frame and never finish it, stall mid-handshake, send nothing at all.

import net from 'node:net';
import { randomBytes } from 'node:crypto';

/** An upgraded (or refused) raw connection. */
export interface RawUpgrade {
  socket: net.Socket;
  /** HTTP status of the handshake answer. */
  status: number;
  /** The raw answer head (status line and headers). */
  head: string;
  /** Resolves when the TCP connection is closed, with the time it took from the upgrade answer. */
  closed: Promise<number>;
}

/** Open a TCP connection to 127.0.0.1:`port` (nothing sent). */
export function connectTcp(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when `socket` closes. */
export function whenClosed(socket: net.Socket): Promise<void> {
  return socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Send a WebSocket upgrade for `path` and wait for the answer head. */
export async function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<RawUpgrade> {
  const socket = await connectTcp(port);
  socket.on('error', () => undefined);
  const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const head = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      resolve(buf.slice(0, end));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed before the handshake answer: ${buf}`)));
  });
  const started = Date.now();
  const closed = new Promise<number>((resolve) => (socket.destroyed ? resolve(0) : socket.once('close', () => resolve(Date.now() - started))));
  // Keep reading (and discarding) what the server sends, so its writes never block on us.
  socket.on('data', () => undefined);
  return { socket, status: Number(head.split(' ')[1]), head, closed };
}

/** The header of a masked client text frame announcing `length` payload bytes (the mask key included). */
export function frameHeader(length: number, opcode = 1, fin = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  let head: Buffer;
  if (length < 126) head = Buffer.from([first, 0x80 | length]);
  else if (length < 65536) {
    head = Buffer.alloc(4);
    head.writeUInt8(first, 0);
    head.writeUInt8(0x80 | 126, 1);
    head.writeUInt16BE(length, 2);
  } else {
    head = Buffer.alloc(10);
    head.writeUInt8(first, 0);
    head.writeUInt8(0x80 | 127, 1);
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([head, Buffer.alloc(4)]); // an all-zero mask leaves the payload as it is
}

/** A complete masked client text frame. */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  return Buffer.concat([frameHeader(payload.length), payload]);
}
