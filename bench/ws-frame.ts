// Decodes where one server-to-client WebSocket frame (RFC 6455 §5.2) sits in a byte buffer, without copying or
// allocating: the bench's raw clients and the Rails conformance script's hand-made upgrade both read frames with it.

/** One frame's opcode and payload bounds in the buffer it was read from (filled in place by `readFrame`). */
export interface FrameBounds {
  opcode: number;
  /** Offset of the payload's first byte. */
  start: number;
  /** Offset just past the payload: where the next frame starts. */
  end: number;
}

/** A FrameBounds to fill in. */
export function frameBounds(): FrameBounds {
  return { opcode: 0, start: 0, end: 0 };
}

/** Decode the frame at offset `at` of `data` into `out`; false while that frame is incomplete. */
export function readFrame(data: Buffer, at: number, out: FrameBounds): boolean {
  if (data.length - at < 2) return false;
  const second = data[at + 1] as number;
  let len = second & 0x7f;
  let start = at + 2;
  if (len === 126) {
    if (data.length - at < 4) return false;
    len = data.readUInt16BE(at + 2);
    start += 2;
  } else if (len === 127) {
    if (data.length - at < 10) return false;
    len = Number(data.readBigUInt64BE(at + 2));
    start += 8;
  }
  if (second & 0x80) start += 4; // servers do not mask, but skip a masking key all the same
  if (data.length < start + len) return false;
  out.opcode = (data[at] as number) & 0x0f;
  out.start = start;
  out.end = start + len;
  return true;
}
