/**
 * Understanding's cost: building the model from content/nlu at start-up (reading, checking
 * and training, once per process), and understanding one message (features, the model, the
 * danger lexicon, slots), over every held-out message several times; percentiles per message.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { understand } from '../src/engine';
import { loadFlowSet } from '../src/flowset';
import { percentile } from './load';

export async function benchUnderstanding(root: string, figure: (key: string, value: number | string) => void): Promise<void> {
  const t0 = performance.now();
  const flows = loadFlowSet(root);
  figure('nlu_startup_ms', Math.round(performance.now() - t0));
  const dir = path.join(root, 'content/nlu/heldout');
  const texts = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => (YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { items: { text: string }[] }).items.map((i) => i.text));
  for (const t of texts) understand(flows.nlu, t); // warm the JIT
  const ms: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const t of texts) {
      const s = performance.now();
      understand(flows.nlu, t);
      ms.push(performance.now() - s);
    }
  }
  ms.sort((a, b) => a - b);
  figure('nlu_messages_timed', ms.length);
  figure('nlu_understand_p50_ms', percentile(ms, 50).toFixed(3));
  figure('nlu_understand_p99_ms', percentile(ms, 99).toFixed(3));
}
