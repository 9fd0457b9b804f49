/** Which socket addresses count as this machine for /metrics without a token. */
import { isLoopback } from '../../../src/observability/metricsRoute';

it.each([
  ['127.0.0.1', true], ['127.1.2.3', true], ['::1', true], ['::ffff:127.0.0.1', true],
  ['10.0.0.1', false], ['::ffff:10.0.0.1', false], ['192.168.1.127', false], ['2001:db8::1', false], ['127.0.0.1.evil', false], [undefined, false],
] as const)('%s → %s', (address, local) => {
  expect(isLoopback(address)).toBe(local);
});
