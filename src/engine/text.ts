/**
 * Text resolution: a key in the person's language, falling back to Vietnamese per message,
 * with {placeholders}. A line whose placeholder has no value is dropped: this is how lines
 * about the pilot hotline stay hidden until HOTLINE_NUMBER is configured (never invented).
 */
import type { FlowSet } from './flowset';
import { REFERENCE_LANG } from './flowset';
import type { EngineConfig, Reply } from './types';
import type { DangerKind } from './nlu/corpus';

/** The raw text of a key: person's language, else Vietnamese, else undefined. */
export function rawText(flows: FlowSet, lang: string, key: string): string | undefined {
  return flows.texts[lang]?.[key] ?? flows.texts[REFERENCE_LANG]?.[key];
}

/** Fill {placeholders}; drop every line that names a placeholder without a value. */
export function fill(template: string, vars: Record<string, string> = {}): string {
  const lines = template.split('\n').filter((line) => {
    const names = [...line.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1] ?? '');
    return names.every((n) => vars[n] !== undefined && vars[n] !== '');
  });
  return lines.join('\n').replace(/\{([a-zA-Z0-9_]+)\}/g, (_m, n: string) => vars[n] ?? '').trim();
}

/**
 * Resolve a text key with vi fallback and {placeholders}.
 * A missing key yields the key itself in brackets, so a gap is visible instead of silent
 * (content:check reports it as an error before that can ship).
 * @example text(flows, 'en', 'services.header', { province: 'Hà Nội' })
 */
export function text(flows: FlowSet, lang: string, key: string, vars?: Record<string, string>): string {
  const raw = rawText(flows, lang, key);
  if (raw === undefined) return `[${key}]`;
  return fill(raw, vars);
}

/** Placeholders every text may use, from configuration. */
export function configVars(cfg: EngineConfig): Record<string, string> {
  const vars: Record<string, string> = {};
  if (cfg.hotlineNumber) vars.hotline = cfg.hotlineNumber;
  if (cfg.caseNoteDays) vars.noteDays = String(cfg.caseNoteDays);
  if (cfg.retentionDays) vars.keepDays = String(cfg.retentionDays);
  return vars;
}

/**
 * The emergency message (113, 115, 111, and the hotline once configured), worded for who is
 * in danger: the person (`emergency`), a child (`emergency.child`: 111 first), someone they
 * see (`emergency.other`), or themselves (`emergency.selfharm`). Callers use it even when
 * the database is down, so it needs nothing but the loaded texts.
 */
export function emergencyReply(flows: FlowSet, lang: string, cfg: EngineConfig, kind: DangerKind = 'self'): Reply {
  const vars = configVars(cfg);
  const key = kind === 'self' ? 'emergency' : `emergency.${kind}`;
  let body = text(flows, lang, key, vars);
  if (cfg.hotlineNumber) body += '\n' + text(flows, lang, 'emergency.hotline', vars);
  return { key, text: body, emergency: true };
}
