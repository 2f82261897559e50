// A load-generator process (forked by run.ts with IPC): runs a ClientPool, sends measured broadcasts (as a
// BenchmarkChannel action or through POST /_broadcast), and records the latency of every delivery it receives.

import http from 'node:http';
import { ClientPool } from './client-pool';
import { monoMs, scanFrame } from './frame-scan';
import type { BenchPayload, FromWorker, OpenRequest, ToWorker } from './messages';

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
let pool: ClientPool | undefined;
let identifierTemplate = '';
let latencies = new Float64Array(1 << 16);
let recorded = 0;
let results = 0;
interface SeqState {
  got: number;
  expected: number;
  sentAt: number;
  lastAt: number;
}
const seqs = new Map<number, SeqState>();

function reply(msg: FromWorker): void {
  process.send?.(msg);
}

function seqState(seq: number): SeqState {
  let s = seqs.get(seq);
  if (!s) seqs.set(seq, (s = { got: 0, expected: -1, sentAt: 0, lastAt: 0 }));
  return s;
}

function maybeDone(seq: number, s: SeqState): void {
  if (s.expected < 0 || s.got < s.expected) return;
  seqs.delete(seq);
  reply({ type: 'seq-done', seq, sentAt: s.sentAt, lastAt: s.lastAt });
}

function record(latency: number): void {
  if (recorded === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[recorded++] = latency;
}

function onFrame(frame: Buffer): void {
  const scanned = scanFrame(frame);
  if (!scanned) return;
  if (scanned.result) return void (results += 1);
  const now = monoMs();
  if (scanned.seq >= 0) record(now - scanned.t); // negative sequence numbers are warm-up rounds
  const s = seqState(scanned.seq);
  s.got += 1;
  s.sentAt = scanned.t;
  s.lastAt = now;
  maybeDone(scanned.seq, s);
}

function payload(seq: number, pad: string): BenchPayload {
  return { seq, t: monoMs(), pad };
}

function sendBroadcast(seq: number, client: number, pad: string): void {
  const ws = pool?.socket(client);
  if (!ws) return reply({ type: 'error', message: `sender ${client} is not connected` });
  const p = payload(seq, pad);
  const identifier = identifierTemplate.replace('%i', String(client));
  ws.send(JSON.stringify({ command: 'message', identifier, data: JSON.stringify({ action: 'broadcast', payload: p }) }));
}

function postBroadcast(seq: number, url: string, streams: string[], pad: string): void {
  const p = payload(seq, pad);
  const data = JSON.stringify(p);
  const body = JSON.stringify(streams.map((stream) => ({ stream, data })));
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${process.env.BENCH_BROADCAST_KEY ?? ''}` };
  const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
    res.resume();
    if (res.statusCode !== 201) reply({ type: 'error', message: `POST /_broadcast answered ${res.statusCode}` });
  });
  req.on('error', (err) => reply({ type: 'error', message: `POST /_broadcast failed: ${err.message}` }));
  req.end(body);
}

async function open(req: OpenRequest): Promise<void> {
  identifierTemplate = req.identifiers[0] ?? '';
  pool = new ClientPool(req, onFrame);
  reply({ type: 'opened', ...(await pool.open()) });
}

function collect(): void {
  reply({ type: 'collected', latencies: latencies.slice(0, recorded), deliveries: recorded, results, closedEarly: pool?.closedEarly ?? 0 });
  recorded = 0;
  results = 0;
}

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'open':
      return void open(msg).catch((err: Error) => reply({ type: 'error', message: err.message }));
    case 'expect': {
      const s = seqState(msg.seq);
      s.expected = msg.count;
      return maybeDone(msg.seq, s);
    }
    case 'send':
      return sendBroadcast(msg.seq, msg.client, msg.padding);
    case 'post':
      return postBroadcast(msg.seq, msg.url, msg.streams, msg.padding);
    case 'collect':
      return collect();
    case 'close':
      pool?.closeAll();
      return void setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));
