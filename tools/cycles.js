#!/usr/bin/env node
/*
 * `npm run cycles`, run by CI after the typecheck: no import cycle in src/.
 *
 * Two levels, both from madge's import graph (type-only imports count: they still tie the
 * files together for a reader):
 *  1. files: no file may reach itself through its imports. No exception.
 *  2. areas (the folders under src/, STYLE §3): no area may reach itself through the
 *     imports of its files. A few area-to-area imports that close a cycle are known and
 *     listed in KNOWN_BACK_EDGES below, each with why it is still there; they are taken out
 *     of the graph before the check, so a NEW cycle still fails, and so does the list
 *     going stale (an entry that no longer exists must be removed).
 */
const path = require('node:path');
const madge = require('madge');

/**
 * Area imports that close a cycle and cannot be removed yet. Remove an entry as soon as the
 * import goes (the check fails on a stale entry).
 */
const KNOWN_BACK_EDGES = {};

const SRC = path.resolve(__dirname, '..', 'src');
const areaOf = (file) => (file.includes('/') ? file.split('/')[0] : file.replace(/\.ts$/, ''));

/** Strongly connected components with more than one node (Tarjan). */
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

async function main() {
  const res = await madge(SRC, { fileExtensions: ['ts'] });
  let failed = false;

  const fileCycles = res.circular();
  if (fileCycles.length) {
    failed = true;
    console.error(`cycles: ${fileCycles.length} file import cycle(s):`);
    for (const c of fileCycles) console.error(`  ${c.join(' > ')}`);
  }

  const areas = new Map();
  const seen = new Set();
  for (const [file, deps] of Object.entries(res.obj())) {
    for (const dep of deps) {
      const a = areaOf(file);
      const b = areaOf(dep);
      if (a === b) continue;
      const edge = `${a} -> ${b}`;
      seen.add(edge);
      if (KNOWN_BACK_EDGES[edge]) continue;
      if (!areas.has(a)) areas.set(a, new Set());
      areas.get(a).add(b);
    }
  }
  for (const edge of Object.keys(KNOWN_BACK_EDGES)) {
    if (!seen.has(edge)) { failed = true; console.error(`cycles: '${edge}' is listed as known but no longer exists: remove it from tools/cycles.js`); }
  }
  for (const scc of cycles(areas)) {
    failed = true;
    const edges = scc.flatMap((a) => [...(areas.get(a) ?? [])].filter((b) => scc.includes(b)).map((b) => `${a} -> ${b}`));
    console.error(`cycles: the areas ${scc.join(', ')} import one another (${edges.join('; ')})`);
  }

  if (failed) process.exit(1);
  const known = Object.keys(KNOWN_BACK_EDGES);
  console.log(`cycles: none among ${Object.keys(res.obj()).length} files and ${areas.size} areas` +
    (known.length ? ` (known, to remove: ${known.join('; ')})` : ''));
}

main().catch((err) => { console.error(err); process.exit(1); });
