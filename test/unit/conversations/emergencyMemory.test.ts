/** The per-person memory of emergency replies sent while the database is down. */
import { EMERGENCY_REPEAT_MS, EmergencyMemory } from '../../../src/conversations/emergencyMemory';

describe('EmergencyMemory', () => {
  it('lets one reply per person through within the window, and again after it', () => {
    const m = new EmergencyMemory();
    const t0 = 1_000_000;
    expect(m.claim('pid-a', t0)).toBe(true);
    expect(m.claim('pid-a', t0 + 1000)).toBe(false);
    expect(m.claim('pid-a', t0 + EMERGENCY_REPEAT_MS - 1)).toBe(false);
    expect(m.claim('pid-b', t0 + 1000)).toBe(true);
    expect(m.claim('pid-a', t0 + EMERGENCY_REPEAT_MS)).toBe(true);
  });

  it('forgets a claim whose send failed, so the next delivery tries again', () => {
    const m = new EmergencyMemory();
    expect(m.claim('pid-a', 0)).toBe(true);
    m.release('pid-a');
    expect(m.claim('pid-a', 1)).toBe(true);
  });

  it('stays bounded: with 10,000 people remembered, the oldest is forgotten first', () => {
    const m = new EmergencyMemory();
    for (let i = 0; i < 10_000; i++) m.claim(`pid-${i}`, i);
    expect(m.claim('pid-new', 10_000)).toBe(true);
    expect(m.claim('pid-0', 10_001)).toBe(true); // forgotten to make room
    expect(m.claim('pid-9999', 10_002)).toBe(false);
  });
});
