#!/usr/bin/env node
/**
 * Fails when the import graph of src/ has a cycle (type-only imports
 * included: a type cycle still ties two modules' designs together).
 * Reads imports with the TypeScript compiler's own pre-processor, so what
 * it sees is what tsc resolves. Usage: node scripts/check-cycles.mjs [dir]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..', 'src'));

function listTs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const files = listTs(root);
const known = new Set(files);
const edges = new Map();
for (const f of files) {
  const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
  const deps = [];
  for (const imp of info.importedFiles) {
    if (!imp.fileName.startsWith('.')) continue;
    const target = resolve(dirname(f), imp.fileName.replace(/\.js$/, '.ts'));
    if (known.has(target)) deps.push(target);
  }
  edges.set(f, deps);
}

// Tarjan's strongly connected components, iterative (deep chains stay off the JS stack).
let index = 0;
const idx = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const sccs = [];
for (const start of files) {
  if (idx.has(start)) continue;
  const work = [[start, 0]];
  idx.set(start, index);
  low.set(start, index++);
  stack.push(start);
  onStack.add(start);
  while (work.length > 0) {
    const frame = work[work.length - 1];
    const [v, i] = frame;
    const deps = edges.get(v);
    if (i < deps.length) {
      frame[1]++;
      const w = deps[i];
      if (!idx.has(w)) {
        idx.set(w, index);
        low.set(w, index++);
        stack.push(w);
        onStack.add(w);
        work.push([w, 0]);
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
      continue;
    }
    work.pop();
    if (work.length > 0) {
      const parent = work[work.length - 1][0];
      low.set(parent, Math.min(low.get(parent), low.get(v)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || edges.get(v).includes(v)) sccs.push(comp);
    }
  }
}

if (sccs.length === 0) {
  console.log(`import cycles: none (${files.length} modules)`);
} else {
  for (const c of sccs)
    console.error(
      `import cycle of ${c.length} modules:\n  ${c
        .map((f) => relative(root, f))
        .sort()
        .join('\n  ')}`,
    );
  process.exitCode = 1;
}
