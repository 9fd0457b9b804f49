/** The stream caps: per address and per instance, counted as streams open and close. */
import { StreamHub, type StreamHandle } from '../../../src/channels/webchat/hub';

const handle = (sidHash: string, address: string): StreamHandle => ({ sidHash, address, lastSeq: () => 0, wake: () => undefined, pushDirect: () => undefined, end: () => undefined });

it('refuses a stream beyond the per-address cap (429) and the per-instance cap (503), and counts closes', () => {
  const hub = new StreamHub({ perAddress: 2, perInstance: 3 });
  const a1 = handle('s1', '10.0.0.1');
  hub.add(a1);
  hub.add(handle('s2', '10.0.0.1'));
  expect(hub.admits('10.0.0.1')).toBe('address');
  expect(hub.admits('10.0.0.2')).toBe('ok');
  hub.add(handle('s3', '10.0.0.2'));
  expect(hub.admits('10.0.0.3')).toBe('instance');
  hub.remove(a1);
  expect(hub.admits('10.0.0.1')).toBe('ok');
  hub.remove(a1); // removing twice changes nothing
  expect(hub.size).toBe(2);
});
