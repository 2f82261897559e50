// Reads the measured fields out of a received frame without JSON.parse: the load generator must stay cheap so
// the shared CPU goes to the server. A measured frame carries `"seq":<int>,"t":<float>` from BenchPayload.

const SEQ = Buffer.from('"seq":');
const T = Buffer.from('"t":');
const RESULT = Buffer.from('"broadcastResult"');
const ZERO = 0x30;
const MINUS = 0x2d;

/** A measured frame's sequence number and send time, or undefined for any other frame. */
export interface Scanned {
  seq: number;
  t: number;
  /** Whether this is the sender's own broadcastResult rather than a delivery. */
  result: boolean;
}

/** Scan `frame` for a BenchPayload; undefined when it has none (welcome, ping, confirmations…). */
export function scanFrame(frame: Buffer): Scanned | undefined {
  const s = frame.indexOf(SEQ);
  if (s < 0) return undefined;
  let i = s + SEQ.length;
  let seq = 0;
  let negative = false;
  if (frame[i] === MINUS) (negative = true), (i += 1);
  for (let c = frame[i] as number; c >= ZERO && c <= ZERO + 9; c = frame[(i += 1)] as number) seq = seq * 10 + c - ZERO;
  const ts = frame.indexOf(T, i);
  if (ts < 0) return undefined;
  const start = ts + T.length;
  let end = start;
  while (end < frame.length && frame[end] !== 0x2c && frame[end] !== 0x7d) end += 1;
  const t = Number(frame.toString('latin1', start, end));
  return { seq: negative ? -seq : seq, t, result: frame.lastIndexOf(RESULT, s) >= 0 };
}

/** Monotonic milliseconds, comparable across processes on one machine (CLOCK_MONOTONIC). */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
