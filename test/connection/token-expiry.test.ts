// ExpirySchedule: every socket's token expiry on one timer (no timer per socket), fired once `exp` has passed, and
// no timer left once nobody waits.

import { ExpirySchedule, type Expiring } from '../../src/connection/token-expiry';

/** Whether the schedule holds a timer (it is unref'd, so process.getActiveResourcesInfo does not list it). */
const armed = (schedule: ExpirySchedule) => (schedule as unknown as { timer?: unknown }).timer !== undefined;

function socket(): Expiring & { fired: number } {
  return {
    fired: 0,
    expired() {
      this.fired += 1;
    },
  };
}

describe('ExpirySchedule', () => {
  it('fires at once for a token already expired', () => {
    const schedule = new ExpirySchedule();
    const s = socket();
    schedule.add(Math.floor(Date.now() / 1000) - 1, s);
    expect(s.fired).toBe(1);
    expect(schedule.size).toBe(0);
  });

  it('fires each socket once its exp has passed, on one timer for all of them', async () => {
    const schedule = new ExpirySchedule();
    const exp = Math.floor(Date.now() / 1000) + 1;
    const sockets = [socket(), socket(), socket()];
    for (const s of sockets) schedule.add(exp, s);
    const later = socket();
    schedule.add(exp + 3600, later);
    expect(armed(schedule)).toBe(true);
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    expect(sockets.map((s) => s.fired)).toEqual([1, 1, 1]);
    expect(later.fired).toBe(0);
    expect(schedule.size).toBe(1);
    // One timer, re-armed for the later one; removing that one leaves no timer behind.
    expect(armed(schedule)).toBe(true);
    schedule.remove(exp + 3600, later);
    expect(armed(schedule)).toBe(false);
  });

  it('never fires for a socket removed first', async () => {
    const schedule = new ExpirySchedule();
    const exp = Math.floor(Date.now() / 1000) + 1;
    const gone = socket();
    const stays = socket();
    schedule.add(exp, gone);
    schedule.add(exp, stays);
    schedule.remove(exp, gone);
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    expect([gone.fired, stays.fired]).toEqual([0, 1]);
    expect(armed(schedule)).toBe(false);
  });
});
