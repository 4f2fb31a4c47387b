/**
 * The UI's two static files (`ui/registry/app.js`, `style.css` in the
 * package, shipped beside `dist/`). Read once; served with a long-lived
 * content hash in the ETag.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FILES: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8' };

/** From `dist/server/ui/` or `build/src/server/ui/`: the package root is three or four levels up. */
function assetDir(): string {
  for (const up of ['../../../ui/registry/', '../../../../ui/registry/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(`${dir}app.js`)) return dir;
  }
  throw new Error('the registry UI files (ui/registry/) are missing from the package');
}

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

let cache: Map<string, Asset> | undefined;

export function asset(name: string): Asset | undefined {
  if (cache === undefined) {
    const dir = assetDir();
    cache = new Map();
    for (const [file, type] of Object.entries(FILES)) {
      const body = readFileSync(`${dir}${file}`);
      cache.set(file, { body, type, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` });
    }
  }
  return cache.get(name);
}
