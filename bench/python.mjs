// Throughput of the Python reader (src/python/): tokenizes, parses and analyses
// every .py file under the given roots (default: CPython's standard library),
// and prints files, MiB and MiB/s. Run after a build: node bench/python.mjs [roots...]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseModule } from '../dist/python/parser.js';
import { analyseModule } from '../dist/python/analyse.js';
import { Policy } from '../dist/python-globals/policy.js';
import { getProfile } from '../dist/python-globals/profiles.js';

const roots = process.argv.length > 2 ? process.argv.slice(2) : ['/usr/lib/python3.11'];
const files = [];
const walk = (d, depth) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    const s = statSync(p, { throwIfNoEntry: false });
    if (s?.isDirectory() && depth < 8 && f !== 'test' && f !== 'tests') walk(p, depth + 1);
    else if (s?.isFile() && f.endsWith('.py')) files.push(p);
  }
};
for (const r of roots) walk(r, 0);
const sources = files.map((f) => readFileSync(f, 'utf8'));
const policy = new Policy(getProfile('default'));
const bytes = sources.reduce((n, s) => n + s.length, 0);
let failed = 0;
const t0 = performance.now();
for (const s of sources) {
  try {
    analyseModule(parseModule(s), { policy, strict: false });
  } catch {
    failed++;
  }
}
const ms = performance.now() - t0;
const mib = bytes / 1024 / 1024;
console.log(
  `python reader: ${files.length} files, ${mib.toFixed(1)} MiB parsed and analysed in ${ms.toFixed(0)} ms (${(mib / (ms / 1000)).toFixed(1)} MiB/s), ${failed} not read`,
);
