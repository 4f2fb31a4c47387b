// Child process for the memory benchmark: scans one file (or nothing) and prints peak RSS.
import { scanFile } from '../dist/scan/scan-file.js';
const file = process.argv[2];
const t0 = performance.now();
const r = file === undefined ? { verdict: 'none' } : await scanFile(file);
console.log(JSON.stringify({ verdict: r.verdict, maxRSS: process.resourceUsage().maxRSS, ms: performance.now() - t0 }));
