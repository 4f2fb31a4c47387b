#!/usr/bin/env node
/**
 * Trains the injection detector's model and writes src/detect/model-data.ts.
 * Pure Node, no network: reads the public data (default /work/shared/injection,
 * or MODELGUARD_INJECTION_DATA, or the first argument) and the generated
 * red-team data. Deterministic: the same inputs give the same file.
 * Usage: npm run train:detect [-- DATA_DIR] [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { trainModelData } = await import(join(root, 'build', 'src', 'detect', 'train', 'index.js'));
const args = process.argv.slice(2);
const check = args.includes('--check');
const dir = args.find((a) => !a.startsWith('--')) ?? process.env.MODELGUARD_INJECTION_DATA ?? '/work/shared/injection';
const out = join(root, 'src', 'detect', 'model-data.ts');
const t0 = performance.now();
const text = trainModelData(dir);
const secs = ((performance.now() - t0) / 1000).toFixed(1);
if (check) {
  const same = readFileSync(out, 'utf8') === text;
  console.log(same ? `model-data.ts reproduced exactly (${secs} s)` : 'model-data.ts DIFFERS from a fresh training run');
  process.exit(same ? 0 : 1);
}
writeFileSync(out, text);
console.log(`wrote ${out} (${secs} s)`);
