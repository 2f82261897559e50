// Runs: broadcasts queued back to back for the same sessions are written to each session together (one sendRun,
// one socket write), in publish order, counted per frame; positioned (ext) frames, other streams and sessions that
// cannot take a run keep the frame-by-frame path. `gather` (the server's setting) writes a loop iteration's
// broadcasts in its check phase, so that those of one iteration join.

import { FrameRun, Hub, PreparedFrame, type HubSession } from '../../src/hub/hub';
import { MemoryAdapter } from '../../src/pubsub/memory';
import { silentLogger } from '../../src/log/logger';

/** A session that records every frame and every write (a run is one write). */
class Session implements HubSession {
  readonly ext: boolean;
  texts: string[] = [];
  writes = 0;
  constructor(ext = false) {
    this.ext = ext;
  }
  sendFrame(f: PreparedFrame): void {
    this.writes += 1;
    this.texts.push(f.text);
  }
  sendRun(run: FrameRun): void {
    this.writes += 1;
    for (const f of run.frames) this.texts.push(f.text);
  }
}

/** A session with no sendRun: it must still get every frame, one at a time. */
class PlainSession implements HubSession {
  readonly ext = false;
  texts: string[] = [];
  sendFrame(f: PreparedFrame): void {
    this.texts.push(f.text);
  }
}

const frame = (n: number, id = 'id') => `{"identifier":"${id}","message":{"n":${n}}}`;
const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

async function setup(opts: { slice?: number; gather?: boolean; fanouts?: number[] } = {}) {
  const pubsub = new MemoryAdapter();
  const fanouts = opts.fanouts;
  const hub = new Hub(pubsub, silentLogger, { slice: opts.slice, gather: opts.gather, onFanout: fanouts ? (s) => fanouts.push(s) : undefined });
  return { pubsub, hub };
}

describe('Hub runs', () => {
  it('writes broadcasts queued behind a busy slice to each session in one write, in publish order, counted per frame', async () => {
    const fanouts: number[] = [];
    const { pubsub, hub } = await setup({ slice: 4, fanouts });
    const sessions = Array.from({ length: 6 }, () => new Session());
    for (const s of sessions) await hub.add('s', '"id"', s);
    await nextMacrotask();
    // The first broadcast fills the slice (4 of 6 written now); the next three wait and then leave together.
    for (let n = 1; n <= 4; n += 1) await pubsub.broadcast('s', `{"n":${n}}`);
    await hub.drained();
    for (const s of sessions) expect(s.texts).toEqual([frame(1), frame(2), frame(3), frame(4)]);
    expect(sessions.map((s) => s.writes)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(hub.deliveryCount).toBe(24);
    expect(fanouts).toHaveLength(4);
  });

  it('keeps another stream between two broadcasts apart, so no session sees frames out of order', async () => {
    const { pubsub, hub } = await setup({ slice: 1 });
    const a = new Session();
    const both = new Session();
    await hub.add('s', '"id"', a);
    await hub.add('s', '"id"', both);
    await hub.add('t', '"id2"', both);
    await nextMacrotask();
    await pubsub.broadcast('s', '{"n":1}');
    await pubsub.broadcast('t', '{"n":2}');
    await pubsub.broadcast('s', '{"n":3}');
    await pubsub.broadcast('s', '{"n":4}');
    await hub.drained();
    expect(both.texts).toEqual([frame(1), frame(2, 'id2'), frame(3), frame(4)]);
    expect(a.texts).toEqual([frame(1), frame(3), frame(4)]);
    // 3 and 4 were queued back to back for the same sessions: one write each.
    expect(a.writes).toBe(2);
  });

  it('sends a run frame by frame to a session that cannot take one', async () => {
    const { pubsub, hub } = await setup({ slice: 1 });
    const plain = new PlainSession();
    const other = new Session();
    await hub.add('s', '"id"', plain);
    await hub.add('s', '"id"', other);
    await nextMacrotask();
    for (let n = 1; n <= 3; n += 1) await pubsub.broadcast('s', `{"n":${n}}`);
    await hub.drained();
    expect(plain.texts).toEqual([frame(1), frame(2), frame(3)]);
    expect(other.texts).toEqual([frame(1), frame(2), frame(3)]);
  });

  it('never joins positioned frames: ext sessions of a stream with history get each frame with its own position', async () => {
    const { hub } = await setup({ slice: 1 });
    const ext = new Session(true);
    const extToo = new Session(true);
    await hub.add('s', '"id"', ext);
    await hub.add('s', '"id"', extToo);
    await nextMacrotask();
    const deliver = (hub as unknown as { streams: Map<string, { handler: (p: string, pos?: unknown) => void }> }).streams.get('s')!.handler;
    for (let n = 1; n <= 3; n += 1) deliver(`{"n":${n}}`, { offset: n, epoch: 'e' });
    await hub.drained();
    expect(ext.writes).toBe(3);
    expect(ext.texts.map((t) => (JSON.parse(t) as { offset: number }).offset)).toEqual([1, 2, 3]);
    expect(extToo.texts).toEqual(ext.texts);
  });

  it('runs the stream callbacks of every joined broadcast, in order', async () => {
    const { pubsub, hub } = await setup({ slice: 1 });
    const heard: unknown[] = [];
    const a = new Session();
    const b = new Session();
    await hub.add('s', '"id"', a);
    await hub.add('s', '"id"', b);
    await hub.addCallback('s', (m) => heard.push(m));
    await nextMacrotask();
    for (let n = 1; n <= 3; n += 1) await pubsub.broadcast('s', `{"n":${n}}`);
    await hub.drained();
    expect(heard).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(a.texts).toEqual([frame(1), frame(2), frame(3)]);
  });

  it('with gather, writes nothing until the check phase and joins the broadcasts of one iteration', async () => {
    const { pubsub, hub } = await setup({ gather: true });
    const sessions = [new Session(), new Session()];
    for (const s of sessions) await hub.add('s', '"id"', s);
    await nextMacrotask();
    for (let n = 1; n <= 5; n += 1) void pubsub.broadcast('s', `{"n":${n}}`);
    await Promise.resolve();
    expect(sessions[0]!.texts).toEqual([]);
    await hub.drained();
    for (const s of sessions) {
      expect(s.texts).toEqual([1, 2, 3, 4, 5].map((n) => frame(n)));
      expect(s.writes).toBe(1);
    }
    expect(hub.deliveryCount).toBe(10);
  });

  it('without gather (the test kit), a broadcast is written before broadcast() resolves', async () => {
    const { pubsub, hub } = await setup();
    const s = new Session();
    await hub.add('s', '"id"', s);
    await nextMacrotask();
    await pubsub.broadcast('s', '{"n":1}');
    expect(s.texts).toEqual([frame(1)]);
  });
});
