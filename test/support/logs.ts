/**
 * Captures everything the service logs during a test, after redaction, so a test can
 * assert that no private value reached the logs (STYLE habit 13).
 */
import Transport from 'winston-transport';
import { attachTransport } from '../../src/observability/log';

class Capture extends Transport {
  lines: string[] = [];
  override log(info: unknown, next: () => void): void {
    const sym = Symbol.for('message');
    const rendered = (info as Record<symbol, string>)[sym] ?? JSON.stringify(info);
    this.lines.push(rendered);
    next();
  }
}

/** Start capturing; call stop() in afterAll. */
export function captureLogs(): { lines: string[]; text(): string; stop(): void; assertAbsent(...secrets: string[]): void } {
  const t = new Capture();
  const detach = attachTransport(t);
  return {
    lines: t.lines,
    text: () => t.lines.join('\n'),
    stop: detach,
    assertAbsent(...secrets: string[]) {
      const all = t.lines.join('\n');
      for (const s of secrets) if (s && all.includes(s)) throw new Error(`private value reached the logs: ${s.slice(0, 3)}…`);
    },
  };
}
