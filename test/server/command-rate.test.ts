// CommandRate: the per-connection inbound token bucket and its abuse verdict.

import { ABUSE_WINDOW_MS, CommandRate } from '../../src/server/command-rate';

describe('CommandRate', () => {
  it('accepts a burst, then the rate, and drops the excess', () => {
    const rate = new CommandRate(10, 5, 0);
    const verdicts = Array.from({ length: 7 }, () => rate.take(0));
    expect(verdicts).toEqual(['accept', 'accept', 'accept', 'accept', 'accept', 'drop', 'drop']);
    expect(rate.take(100)).toBe('accept');
    expect(rate.droppedTotal).toBe(2);
  });

  it('calls it abuse once more frames than the burst were dropped within the window', () => {
    const rate = new CommandRate(1, 3, 0);
    for (let i = 0; i < 3; i += 1) rate.take(0);
    expect([rate.take(1), rate.take(2), rate.take(3), rate.take(4)]).toEqual(['drop', 'drop', 'drop', 'abuse']);
  });

  it('starts counting drops again in a new window', () => {
    const rate = new CommandRate(0.001, 2, 0);
    rate.take(0);
    rate.take(0);
    expect([rate.take(1), rate.take(2)]).toEqual(['drop', 'drop']);
    expect(rate.take(ABUSE_WINDOW_MS + 10)).toBe('drop');
    expect(rate.dropped).toBe(1);
  });
});
