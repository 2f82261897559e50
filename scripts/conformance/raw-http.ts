// HTTP-level probes: a WebSocket upgrade made by hand (the `ws` client refuses a 101 without the sub-protocol it
// offered) whose server frames are read with the bench's frame decoder, and a plain GET.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { frameBounds, readFrame, type FrameBounds } from '../../bench/ws-frame';
import type { Target } from './target';

/** What a hand-made upgrade saw. */
export interface RawUpgrade {
  status: number;
  protocolHeader: string | null;
  headerNames: string[];
  /** Text frames and `<close frame code=…>` markers, pings left out. */
  frames: string[];
}

/** The request headers of an upgrade offering `protocolHeader` (none when null). */
function upgradeHeaders(protocolHeader: string | null): Record<string, string> {
  const headers: Record<string, string> = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
  };
  if (protocolHeader !== null) headers['Sec-WebSocket-Protocol'] = protocolHeader;
  return headers;
}

/** A text frame's payload, a close frame as `<close frame code=…>`, undefined for any other frame. */
function frameText(data: Buffer, frame: FrameBounds): string | undefined {
  const payload = data.subarray(frame.start, frame.end);
  if (frame.opcode === 1) return payload.toString('utf8');
  if (frame.opcode === 8) return `<close frame code=${payload.length >= 2 ? payload.readUInt16BE(0) : 'none'}>`;
  return undefined;
}

/** Accumulates a server's bytes and decodes each complete frame into `frames`. */
function frameCollector(head: Buffer): { frames: string[]; push(chunk: Buffer): void } {
  let buf = Buffer.from(head);
  const frames: string[] = [];
  const frame = frameBounds();
  const push = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    let at = 0;
    for (; readFrame(buf, at, frame); at = frame.end) {
      const text = frameText(buf, frame);
      if (text !== undefined) frames.push(text);
    }
    buf = buf.subarray(at);
  };
  return { frames, push };
}

/** Read an upgraded socket's frames for `readMs`, or until 150 ms after the welcome; pings left out. */
function readFrames(socket: Duplex, head: Buffer, readMs: number): Promise<string[]> {
  return new Promise((resolve) => {
    const collector = frameCollector(head);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(collector.frames.filter((f) => !/^\{"type":"ping"/.test(f)));
    };
    const timer = setTimeout(finish, readMs);
    socket.on('data', (chunk: Buffer) => {
      collector.push(chunk);
      if (collector.frames.some((f) => f.includes('"welcome"'))) setTimeout(finish, 150);
    });
    socket.on('error', () => undefined);
    if (head.length > 0) socket.emit('data', Buffer.alloc(0)); // frames already in `head`
  });
}

/** What a response says apart from frames (`upgraded` keeps its Sec-WebSocket-Protocol). */
function responseOf(res: http.IncomingMessage, upgraded: boolean): Omit<RawUpgrade, 'frames'> {
  const protocol = upgraded ? ((res.headers['sec-websocket-protocol'] as string | undefined) ?? null) : null;
  return { status: res.statusCode ?? 0, protocolHeader: protocol, headerNames: Object.keys(res.headers).sort() };
}

/** Upgrade to `t`'s cable by hand with a valid token, offering `protocolHeader`, and read its frames. */
export function rawUpgrade(t: Target, protocolHeader: string | null, readMs: number): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const url = `${t.httpBase}${new URL(t.cableUrl).pathname}?token=${encodeURIComponent(t.validToken)}`;
    const req = http.request(url, { headers: upgradeHeaders(protocolHeader) });
    req.on('upgrade', (res, socket, head) => {
      void readFrames(socket, head, readMs).then((frames) => resolve({ ...responseOf(res, true), frames }));
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ ...responseOf(res, false), frames: [] });
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET `url`: status, Content-Type and body text. */
export function httpGet(url: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}
