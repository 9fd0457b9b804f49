/**
 * The held-out gate: messages written before tuning by people who never saw the training
 * files (content/nlu/heldout/), typed as first messages at the main menu. The figures
 * `npm run nlu:eval` prints must meet the targets, and no training example may be (nearly)
 * a held-out message, or the figures would only measure memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadFlowSet, readSources } from '../../../src/flowset';
import { parseNlu } from '../../../src/flowset/nlu';
import { HeldoutFileSchema } from '../../../src/nlu/heldout';
import { findLeaks, LEAK_LIMIT } from '../../../src/nlu/leaks';
import { heldoutFigures, runHeldout } from '../../../src/nlu/scoreHeldout';
import { NLU_TARGETS } from '../../../src/nlu/targets';
import { fold } from '../../../src/engine';

const ROOT = path.resolve(__dirname, '../../..');
const DIR = path.join(ROOT, 'content/nlu/heldout');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()
  .map((f) => ({ ...HeldoutFileSchema.parse(YAML.parse(fs.readFileSync(path.join(DIR, f), 'utf8'))), name: f.replace(/\.yaml$/, '') }));

it('has held-out files in Vietnamese and English, with danger, traps and topics', () => {
  const langs = new Set(files.map((f) => f.lang));
  expect([...langs].sort()).toEqual(['en', 'vi']);
  const items = files.flatMap((f) => f.items);
  expect(items.filter((i) => i.danger).length).toBeGreaterThanOrEqual(150);
  expect(items.filter((i) => !i.danger).length).toBeGreaterThanOrEqual(300);
});

it('no training example of three words or more is (nearly) a held-out message', () => {
  const { sources } = readSources(ROOT);
  const { corpus } = parseNlu(sources.nlu, sources.nluConfig, []);
  const leaks = findLeaks(corpus, files, LEAK_LIMIT).filter((l) => fold(l.example).split(' ').length >= 3);
  expect(leaks).toEqual([]);
});

it(`meets the targets: danger recall >= ${NLU_TARGETS.dangerRecall}, false alarms <= ${NLU_TARGETS.falseAlarms}, topic reached >= ${NLU_TARGETS.topicReached}`, () => {
  const f = heldoutFigures(runHeldout(loadFlowSet(ROOT), files));
  // One object, so a failure shows every figure at once.
  expect({
    dangerRecall: f.dangerRecall >= NLU_TARGETS.dangerRecall,
    falseAlarms: f.falseAlarms <= NLU_TARGETS.falseAlarms,
    topicReached: f.reachedWithinOneQuestion >= NLU_TARGETS.topicReached,
    figures: f,
  }).toEqual({ dangerRecall: true, falseAlarms: true, topicReached: true, figures: f });
});
