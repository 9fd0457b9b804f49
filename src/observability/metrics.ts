/**
 * Prometheus metrics (prom-client). The gbv_* counters are registered at start-up so
 * every area only increments them; GET /metrics serves the registry as text.
 */
import client from 'prom-client';

/** One registry per process (tests may build several apps; they share it). */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const counter = (name: string, help: string) =>
  new client.Counter({ name, help, labelNames: ['channel'] as const, registers: [registry] });

export const metrics = {
  inbound: counter('gbv_inbound_messages_total', 'Messages received from people, by channel'),
  danger: counter('gbv_danger_detected_total', 'Messages detected as danger, by channel'),
  handoffRequests: counter('gbv_handoff_requests_total', 'Requests for a counsellor, by channel'),
  outboundFailures: counter('gbv_outbound_failures_total', 'Replies that failed to send (each failed attempt), by channel'),
  deadLetters: counter('gbv_outbound_dead_letters_total', 'Replies given up after the last attempt, by channel'),
  duplicates: counter('gbv_duplicate_updates_total', 'Redelivered updates answered once, by channel'),
  staleUpdates: counter('gbv_stale_updates_total', 'Signed updates older than the freshness window, answered 200 and not processed (replays), by channel'),
  backlogRefused: counter('gbv_backlog_refused_total', 'Ordinary updates refused (503, Retry-After) because the backlog was full, by channel'),
  erasures: counter('gbv_erasures_total', 'Data erased on the person\'s request (Law 91/2025), by channel'),
  notUnderstood: new client.Counter({
    name: 'gbv_not_understood_total', help: 'Free-text messages the bot could not place (menu and counsellor offered), by channel and language',
    labelNames: ['channel', 'lang'] as const, registers: [registry],
  }),
  clarify: new client.Counter({
    name: 'gbv_clarify_total', help: 'Free-text messages answered with a clarifying question, by channel and language',
    labelNames: ['channel', 'lang'] as const, registers: [registry],
  }),
  replyLatency: new client.Histogram({
    name: 'gbv_reply_latency_seconds', help: 'Time from receiving an update to the reply being sent',
    labelNames: ['channel'] as const, buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  }),
};
