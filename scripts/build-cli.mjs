#!/usr/bin/env node
/**
 * Bundles the command line (npm run build): dist/bin/modelguard.js and the
 * worker scripts, code-split so a command loads a few chunks, not the ~250
 * modules tsc emits (Node 20's ESM loader pays an open, a read, a resolve
 * and a compile per module: about half of `modelguard scan`'s start-up).
 * The library (dist/index.js and the rest of dist/) stays unbundled ESM.
 *
 * Input is tsc's output (dist/), so this runs after `tsc -p tsconfig.build.json`.
 * Dependencies stay external (h5wasm and 7z-wasm find their .wasm next to
 * their own code). Every bundled module keeps its own `import.meta.url`,
 * rewritten to the URL it has in dist/, so the files it finds relative to
 * itself (the registry UI, examples/) are found as before; a worker script
 * named by a literal `new URL('./x.js', import.meta.url)` becomes an entry
 * of the bundle and the literal points at it.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'bin');
const WORKER_REF = /new URL\((['"])(\.\/[^'"]+\.js)\1, import\.meta\.url\)/g;

function* jsFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== out) yield* jsFiles(p);
    } else if (e.name.endsWith('.js')) yield p;
  }
}

/** Worker scripts named by a literal URL, each an entry: `dist/scan/worker.js` → `worker-scan-worker`. */
const workers = new Map();
for (const file of jsFiles(dist)) {
  for (const m of readFileSync(file, 'utf8').matchAll(WORKER_REF)) {
    const target = join(dirname(file), m[2]);
    workers.set(target, `worker-${relative(dist, target).slice(0, -3).split(sep).join('-')}`);
  }
}

const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(dist + sep)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
      const here = dirname(args.path);
      const own = `new URL(${JSON.stringify(relative(out, args.path).split(sep).join('/'))}, import.meta.url).href`;
      const contents = text.replace(new RegExp(`${WORKER_REF.source}|import\\.meta\\.url`, 'g'), (whole, _q, ref) => {
        if (ref === undefined) return own;
        const name = workers.get(join(here, ref));
        return name === undefined ? `new URL('${ref}', ${own})` : `new URL('./${name}.js', import.meta.url)`;
      });
      return { contents, loader: 'js' };
    });
  },
};

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [{ in: join(dist, 'cli', 'main.js'), out: 'modelguard' }, ...[...workers].map(([file, name]) => ({ in: file, out: name }))],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  entryNames: '[name]',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [ownUrl],
});
