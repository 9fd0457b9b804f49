/**
 * Transcript tests as data (STYLE habit 11): each test/transcripts/<flow>.<case>.yaml lists
 * inputs and the expected reply keys, compact events and state. UPDATE_TRANSCRIPTS=1
 * rewrites the expected output so a change can be reviewed in the diff.
 * Every flow in flows/ must have at least one transcript.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { enter, initialState, step, type ConversationState, type EngineConfig, type EngineEvent, type EngineInput, type LineStatus } from '../../src/engine';
import { loadFlowSet } from '../../src/flowset';

const ROOT = path.resolve(__dirname, '../..');
const DIR = __dirname;
const UPDATE = process.env.UPDATE_TRANSCRIPTS === '1';
const T0 = 1_700_000_000_000;

interface Expect { replies: string[]; events: string[]; node: string | null; lang?: string }
interface Step {
  in?: string; tap?: string; media?: boolean;
  /** The caller enters a node (feedback after a closed case, safe time out of hours). */
  enter?: string;
  /** Minutes since the previous input (default 1). */
  after?: number;
  /** The caller's handoff status before this input. */
  status?: ConversationState['status'];
  /** The counsellor line from this input on (default: open, someone online, nobody waiting). */
  line?: LineName;
  expect?: Expect;
}
interface Transcript { description: string; channel?: EngineInput['channel']; hotline?: string; line?: LineName; steps: Step[] }

/** The counsellor line as a transcript names it: open with someone free, with a queue, nobody online, closed. */
type LineName = 'open' | 'queue' | 'nobody' | 'closed';
const LINES: Record<LineName, LineStatus> = {
  open: { open: true, online: 1, waiting: 0 },
  queue: { open: true, online: 2, waiting: 3 },
  nobody: { open: true, online: 0, waiting: 0 },
  closed: { open: false, online: 0, waiting: 0, opens: { time: '07:00', inDays: 1, date: '' } },
};

/** Events in a compact, readable form: "topic:dv_forms", "answer:role=self". */
function compact(e: EngineEvent): string {
  switch (e.type) {
    case 'danger': return 'danger';
    case 'topic': return `topic:${e.topic}`;
    case 'province': return `province:${e.province}`;
    case 'referral': return `referral:${e.province}`;
    case 'answer': return `answer:${e.name}=${e.value}`;
    case 'relay': return 'relay';
    case 'safe_time': return `safe_time:${e.value}`;
    case 'feedback': return `feedback:${e.value}`;
    case 'language': return `language:${e.lang}`;
    case 'error': return `error:${e.code}`;
    default: return e.type;
  }
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
const flows = loadFlowSet(ROOT);

it('every flow has at least one transcript', () => {
  const flowIds = fs.readdirSync(path.join(ROOT, 'flows')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace('.yaml', ''));
  const covered = new Set(files.map((f) => f.split('.')[0]));
  expect(flowIds.filter((id) => !covered.has(id))).toEqual([]);
});

describe.each(files)('%s', (file) => {
  it('matches', () => {
    const full = path.join(DIR, file);
    const doc = YAML.parseDocument(fs.readFileSync(full, 'utf8'));
    const t = doc.toJS() as Transcript;
    const cfg: EngineConfig = { inactivityMs: 30 * 60_000, defaultLang: 'vi', caseNoteDays: 90, retentionDays: 30, ...(t.hotline ? { hotlineNumber: t.hotline } : {}) };
    const channel = t.channel ?? 'telegram';
    let state: ConversationState | null = null;
    let now = T0;
    let line = LINES[t.line ?? 'open'];
    const actual: Step[] = t.steps.map((s) => {
      now += (s.after ?? 1) * 60_000;
      if (s.status && state) state = { ...state, status: s.status };
      if (s.line) line = LINES[s.line];
      const input: EngineInput = s.media ? { kind: 'media', channel, line } : s.tap ? { kind: 'choice', payload: s.tap, channel, line } : { kind: 'text', text: s.in ?? '', channel, line };
      const r = s.enter ? enter(flows, state ?? initialState(cfg), s.enter, now, cfg) : step(flows, state, input, now, cfg);
      state = r.state;
      const exp: Expect = { replies: r.replies.map((x) => x.key), events: r.events.map(compact), node: r.state.node };
      if (r.state.lang !== 'vi') exp.lang = r.state.lang;
      return { ...s, expect: exp };
    });
    if (UPDATE) {
      const out = new YAML.Document({ ...t, steps: actual });
      // Keep reply keys and events on one line each, so diffs read like a transcript.
      YAML.visit(out, { Pair: (_k, pair) => { if (YAML.isScalar(pair.key) && ['replies', 'events'].includes(String(pair.key.value)) && YAML.isSeq(pair.value)) pair.value.flow = true; } });
      fs.writeFileSync(full, out.toString({ lineWidth: 0 }));
      return;
    }
    t.steps.forEach((s, i) => {
      expect({ step: i + 1, input: s.in ?? s.tap ?? s.enter ?? 'media', ...s.expect }).toEqual({ step: i + 1, input: s.in ?? s.tap ?? s.enter ?? 'media', ...actual[i]!.expect });
    });
  });
});
