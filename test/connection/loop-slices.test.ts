// LoopSlices: set-up work runs at once while the loop's current stretch is within its budget; past it, work waits
// in arrival order for later iterations, each taking a budget's worth, so timers (and I/O) run in between.

import { BURST_ARRIVALS, BURST_WINDOW_MS, LoopSlices } from '../../src/connection/loop-slices';

/** Busy-wait `ms` milliseconds of real time (the work a slice measures). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // burn
  }
}

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('LoopSlices', () => {
  it('runs work at once while the stretch has budget, and nothing waits', () => {
    let now = 0;
    const slices = new LoopSlices(10, () => now);
    const ran: number[] = [];
    slices.run(() => ran.push(1));
    now = 5;
    slices.run(() => ran.push(2));
    expect(ran).toEqual([1, 2]);
    expect(slices.waiting).toBe(0);
    expect(slices.turn()).toBeUndefined();
  });

  it('queues work past the budget, keeps arrival order (new work waits behind queued work), and runs it in a later iteration', async () => {
    let now = 0;
    const slices = new LoopSlices(10, () => now);
    const ran: string[] = [];
    slices.run(() => ran.push('a'));
    now = 11;
    slices.run(() => ran.push('b'));
    now = 0; // even with budget back, nothing overtakes queued work
    slices.run(() => ran.push('c'));
    expect(ran).toEqual(['a']);
    expect(slices.waiting).toBe(2);
    await nextMacrotask();
    await nextMacrotask();
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(slices.waiting).toBe(0);
  });

  it('lets timers fire between slices of a long backlog', async () => {
    const slices = new LoopSlices(5);
    const order: string[] = [];
    spin(6); // the first run() opens a stretch; make sure later ones find it spent
    slices.run(() => spin(6));
    for (let i = 0; i < 20; i += 1) slices.run(() => (spin(2), order.push(`w${i}`)));
    setTimeout(() => order.push('timer'), 0);
    while (slices.waiting > 0) await new Promise((r) => setTimeout(r, 5));
    const timerAt = order.indexOf('timer');
    expect(timerAt).toBeGreaterThan(-1);
    expect(timerAt).toBeLessThan(order.length - 1); // the timer did not wait for the whole backlog
    expect(order.filter((x) => x !== 'timer')).toEqual(Array.from({ length: 20 }, (_, i) => `w${i}`));
  });

  it('turn(): a promise past the budget, resolved in arrival order; each resumed caller takes its next step before the next one', async () => {
    let now = 0;
    const slices = new LoopSlices(10, () => now);
    slices.run(() => undefined);
    now = 20;
    const steps: string[] = [];
    const caller = async (name: string) => {
      const t = slices.turn();
      expect(t).toBeInstanceOf(Promise);
      await t;
      steps.push(`${name}1`);
      await null;
      steps.push(`${name}2`);
    };
    const done = Promise.all([caller('a'), caller('b')]);
    now = 0;
    await done;
    expect(steps.indexOf('a1')).toBeLessThan(steps.indexOf('b1'));
    expect(steps.indexOf('a1')).toBeLessThan(steps.indexOf('a2'));
  });

  it('shrinks the budget while TCP connections arrive in a burst, and restores it once the burst is over', async () => {
    let now = 0;
    const slices = new LoopSlices(10, () => now);
    const ran: string[] = [];
    slices.run(() => ran.push('a'));
    now = 3;
    slices.run(() => ran.push('b')); // 3 ms into a 10 ms budget: at once
    for (let i = 0; i < BURST_ARRIVALS; i += 1) slices.arrived();
    slices.run(() => ran.push('c')); // the same 3 ms, but the burst budget is 2 ms: waits
    expect(ran).toEqual(['a', 'b']);
    expect(slices.waiting).toBe(1);
    while (slices.waiting > 0) await nextMacrotask();
    await nextMacrotask(); // the stretch of the drain has ended
    now = 3 + BURST_WINDOW_MS + 1; // no arrivals for a window: the full budget again
    slices.run(() => ran.push('d'));
    now += 5;
    slices.run(() => ran.push('e'));
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a throwing queued work does not stop the work behind it', async () => {
    let now = 0;
    const slices = new LoopSlices(10, () => now);
    slices.run(() => undefined);
    now = 20;
    const ran: number[] = [];
    slices.run(() => {
      throw new Error('boom');
    });
    slices.run(() => ran.push(2));
    now = 0;
    while (slices.waiting > 0) await nextMacrotask();
    await nextMacrotask();
    expect(ran).toEqual([2]);
  });
});
