/**
 * `npm run nlu:eval`: how well the bot understands people's own words.
 * 1. k-fold cross-validation on the training corpus (content/nlu/<lang>/): per-intent
 *    precision, recall and F1, a confusion matrix, danger recall and false alarms, and the
 *    thresholds it suggests (`--write-thresholds` stores them in content/nlu/config.yaml);
 * 2. the held-out files (content/nlu/heldout/), never trained on, typed as first messages:
 *    danger recall, false alarms, topic accuracy, and every case it got wrong.
 * Exits non-zero when the held-out figures miss the targets the test enforces.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadFlowSet, readSources } from '../flowset';
import { parseNlu } from '../flowset/nlu';
import { crossValidate } from '../nlu/crossValidate';
import { HeldoutFileSchema } from '../nlu/heldout';
import { chooseThresholds, confusionText, dangerAt, perIntent, predicted } from '../nlu/metrics';
import { heldoutFigures, runHeldout } from '../nlu/scoreHeldout';
import { NLU_TARGETS } from '../nlu/targets';
import { findLeaks } from '../nlu/leaks';
import { fold } from '../engine';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function main(): void {
  const root = process.env.CONTENT_ROOT ?? path.resolve(__dirname, '../../..');
  const flows = loadFlowSet(root);
  const { sources } = readSources(root);
  const { corpus, config } = parseNlu(sources.nlu, sources.nluConfig, []);
  if (!config) throw new Error('content/nlu/config.yaml is missing or invalid');
  const folds = Number(process.env.NLU_FOLDS ?? 5);

  const t0 = Date.now();
  const scored = crossValidate(corpus, config, flows.nlu.abbreviations, flows.danger, folds);
  console.log(`# Cross-validation (${folds} folds, ${scored.length} examples, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const pairs = scored.map((s): [string, string] => [s.intent, predicted(s, config)]);
  console.log('intent                     precision  recall     F1  support');
  for (const f of perIntent(pairs)) console.log(`${f.intent.padEnd(26)} ${pct(f.precision).padStart(9)} ${pct(f.recall).padStart(7)} ${pct(f.f1).padStart(6)} ${String(f.support).padStart(8)}`);
  console.log(`accuracy: ${pct(pairs.filter(([t, p]) => t === p).length / pairs.length)}`);
  console.log('\n## Confusion matrix (rows: true intent, columns: predicted, numbered as the rows)');
  console.log(confusionText(pairs));
  const now = dangerAt(scored, config, config.thresholds);
  console.log(`\ndanger at the configured thresholds ${JSON.stringify(config.thresholds)}: recall ${pct(now.recall)}, false alarms ${pct(now.falseAlarms)}`);
  const suggested = chooseThresholds(scored, config);
  const then = dangerAt(scored, config, suggested);
  console.log(`suggested thresholds: ${JSON.stringify(suggested)} (danger recall ${pct(then.recall)}, false alarms ${pct(then.falseAlarms)})`);
  if (process.argv.includes('--write-thresholds')) {
    const file = path.join(root, 'content/nlu/config.yaml');
    const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
    doc.set('thresholds', suggested);
    doc.set('chosenBy', `nlu:eval ${new Date().toISOString().slice(0, 10)}: ${folds}-fold CV, danger recall ${pct(then.recall)}, false alarms ${pct(then.falseAlarms)}`);
    fs.writeFileSync(file, doc.toString());
    console.log('thresholds written to content/nlu/config.yaml (run again to see the held-out figures with them)');
  }

  const dir = path.join(root, 'content/nlu/heldout');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
    .map((f) => ({ ...HeldoutFileSchema.parse(YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8'))), name: f.replace(/\.yaml$/, '') }));
  const leaks = findLeaks(corpus, files).filter((l) => fold(l.example).split(' ').length >= 3);
  if (leaks.length) {
    console.log(`\n## ${leaks.length} training example(s) nearly equal to held-out messages (remove them from the corpus):`);
    for (const l of leaks) console.log(`  ${l.intent}: ${l.example}`);
  }
  const results = runHeldout(flows, files);
  console.log('\n# Held-out messages (never trained on), typed as the first message at the main menu');
  let pass = true;
  for (const set of [...files.map((f) => f.name), 'all']) {
    const f = heldoutFigures(results.filter((r) => set === 'all' || r.set === set));
    console.log(`${set}: danger recall ${pct(f.dangerRecall)} of ${f.dangerCount} (kind right ${pct(f.kindAccuracy)}), false alarms ${pct(f.falseAlarms)} of ${f.safeCount}, topic reached ${pct(f.reachedWithinOneQuestion)} of ${f.topicCount} (right page straight away ${pct(f.topicAccuracy)})`);
    if (set === 'all') pass = f.dangerRecall >= NLU_TARGETS.dangerRecall && f.falseAlarms <= NLU_TARGETS.falseAlarms && f.reachedWithinOneQuestion >= NLU_TARGETS.topicReached;
  }
  console.log('\n## Wrong');
  for (const r of results.filter((x) => !x.ok || x.why)) console.log(`[${r.set}] ${r.why}: ${r.item.text}`);
  console.log(`\ntargets (all languages): danger recall >= ${pct(NLU_TARGETS.dangerRecall)}, false alarms <= ${pct(NLU_TARGETS.falseAlarms)}, topic reached >= ${pct(NLU_TARGETS.topicReached)}: ${pass ? 'met' : 'NOT met'}`);
  process.exitCode = pass ? 0 : 1;
}

main();
