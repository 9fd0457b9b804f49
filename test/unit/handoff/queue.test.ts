/** Queue order (danger first, then waiting time) and an honest expected wait. */
import { expectedWaitMinutes, orderQueue, positionOf } from '../../../src/handoff';

const t = (m: number) => new Date(Date.UTC(2026, 2, 3, 3, m));

describe('queue', () => {
  const q = [
    { hid: 'a', danger: false, waitingSince: t(1) },
    { hid: 'b', danger: true, waitingSince: t(9) },
    { hid: 'c', danger: false, waitingSince: t(0) },
    { hid: 'd', danger: true, waitingSince: t(5) },
  ];
  it('puts danger first, then the longest wait', () => {
    expect(orderQueue(q).map((x) => x.hid)).toEqual(['d', 'b', 'c', 'a']);
    expect(positionOf(q, 'c')).toBe(3);
    expect(positionOf(q, 'zz')).toBe(0);
    expect(q.map((x) => x.hid)).toEqual(['a', 'b', 'c', 'd']); // not mutated
  });

  it('estimates the wait honestly: soon with a free place, rounded up otherwise, unknown when nobody is online', () => {
    expect(expectedWaitMinutes({ position: 1, freeSlots: 1, online: 1, typicalHandleMs: 20 * 60_000 })).toBe(0);
    expect(expectedWaitMinutes({ position: 3, freeSlots: 1, online: 2, typicalHandleMs: 20 * 60_000 })).toBe(20);
    expect(expectedWaitMinutes({ position: 4, freeSlots: 0, online: 1, typicalHandleMs: 12 * 60_000 })).toBe(50);
    expect(expectedWaitMinutes({ position: 1, freeSlots: 0, online: 0, typicalHandleMs: 60_000 })).toBeNull();
  });
});
