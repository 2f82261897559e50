// History replay for the ext protocol (AnyCable reliable streams): for each stream of the
// subscription, the messages after the client's position (or since a time) in order, then confirm_history; if any
// requested position is gone, only reject_history. Returns, per stream, the newest position the client now has
// (its own or the last one replayed), so live frames already covered can be dropped (catch-up.ts).

import { encodeDataWithPosition, encodeSubscriptionFrame, normalizePayload, quoteIdentifier } from '../protocol/codec';
import type { HistoryRequest, StreamPosition } from '../protocol/messages';
import type { HistoryEntry, HistoryQuery, HistoryReader } from '../broker/broker';

/** Replay the history of `streams` for `identifier`, writing frames with `send`; returns the client's positions. */
export async function replayHistory(
  identifier: string,
  streams: readonly string[],
  request: HistoryRequest,
  reader: HistoryReader | undefined,
  send: (text: string) => void,
): Promise<Map<string, StreamPosition>> {
  const quoted = quoteIdentifier(identifier);
  const covered = new Map<string, StreamPosition>();
  for (const [stream, position] of Object.entries(request.streams ?? {})) covered.set(stream, { ...position });
  const batches = reader ? await collect(streams, request, reader) : null;
  if (!batches) {
    send(encodeSubscriptionFrame(quoted, 'reject_history'));
    return covered;
  }
  for (const [stream, entries] of batches) {
    for (const e of entries) {
      const payload = normalizePayload(e.payload);
      if (payload !== null) send(encodeDataWithPosition(quoted, payload, stream, e.epoch, e.offset));
      const seen = covered.get(stream);
      if (!seen || seen.epoch !== e.epoch || seen.offset < e.offset) covered.set(stream, { epoch: e.epoch, offset: e.offset });
    }
  }
  send(encodeSubscriptionFrame(quoted, 'confirm_history'));
  return covered;
}

async function collect(streams: readonly string[], request: HistoryRequest, reader: HistoryReader): Promise<Array<[string, HistoryEntry[]]> | null> {
  const out: Array<[string, HistoryEntry[]]> = [];
  for (const stream of streams) {
    const query = queryFor(stream, request);
    if (!query) continue;
    const entries = await reader.read(stream, query).catch(() => null);
    if (!entries) return null;
    out.push([stream, entries]);
  }
  return out;
}

function queryFor(stream: string, request: HistoryRequest): HistoryQuery | undefined {
  const position = request.streams?.[stream];
  if (position) return { offset: position.offset, epoch: position.epoch };
  if (request.since !== undefined) return { since: request.since };
  return undefined;
}
