/**
 * Train the understanding model once per test run, not once per test file. Jest gives every
 * test file a fresh module registry, so the flow set's in-process model cache starts empty in
 * each; training takes seconds, and most files load the flows. The first file that trains
 * writes the model to this run's cache directory (made by globalSetup, removed by
 * globalTeardown), and later files adopt it. The directory lives for one run only, so a change
 * to the corpus or to the model code can never be answered by a stale model.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SavedModel } from '../../src/engine';
import { adoptTrainedModel, trainedModels } from '../../src/flowset';

/** Env name globalSetup uses to hand the run's cache directory to every test file. */
export const NLU_CACHE_ENV = 'GBV_TEST_NLU_CACHE_DIR';

const FILE = /^([0-9a-f]{64})\.json$/;

/** Adopt every model earlier files of this run wrote. */
export function adoptCachedModels(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const hash = FILE.exec(name)?.[1];
    if (!hash || trainedModels().has(hash)) continue;
    adoptTrainedModel(hash, JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as SavedModel);
  }
}

/** Write the models this file trained that the directory lacks (write then rename: workers may race). */
export function saveTrainedModels(dir: string): void {
  for (const [hash, model] of trainedModels()) {
    const file = path.join(dir, `${hash}.json`);
    if (fs.existsSync(file)) continue;
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(model));
    fs.renameSync(tmp, file);
  }
}
