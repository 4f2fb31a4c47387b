/**
 * A fresh registry: the first admin (a generated password, printed once and
 * kept in `DATA/initial-admin-password`, mode 0600) and, when asked, the
 * package's example models uploaded through the same pipeline as any upload.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUser, userCount } from './auth/users.js';
import type { Sql } from './db/sql.js';
import { audit } from './store/audit.js';
import { createArtifact } from './store/artifacts.js';
import { hashFile, type BlobStore } from './store/blobs.js';
import { claimBlob } from './store/gc.js';

/** Creates `admin` when there is no user yet; returns its password then. */
export async function ensureAdmin(sql: Sql, dataDir: string): Promise<string | undefined> {
  if ((await userCount(sql)) > 0) return undefined;
  const password = randomBytes(18).toString('base64url');
  await createUser(sql, 'admin', password, 'admin');
  await audit(sql, 'setup', 'user.create', 'admin', { role: 'admin' });
  writeFileSync(join(dataDir, 'initial-admin-password'), `${password}\n`, { mode: 0o600 });
  return password;
}

/** The package's `examples/` folder, from `dist/server/` or `build/src/server/`. */
export function examplesDir(): string | undefined {
  for (const up of ['../../examples/', '../../../examples/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'README.md'))) return dir;
  }
  return undefined;
}

/** Queues every example model as an upload by `seed` to `examples/<name>`; skipped when any artifact exists. */
export async function seedExamples(sql: Sql, blobs: BlobStore, dir: string): Promise<number> {
  const rows = await sql.query<{ n: string }>('select count(*) as n from artifacts');
  if (Number(rows[0]?.n ?? 0) > 0) return 0;
  let n = 0;
  for (const name of readdirSync(dir).sort()) {
    if (name === 'README.md' || name.startsWith('.')) continue;
    const src = join(dir, name);
    const sha256 = await hashFile(src);
    await claimBlob(sql, sha256); // garbage collection keeps it (store/gc.ts)
    await blobs.putFile(src, sha256);
    const model = name.slice(0, name.length - extname(name).length).replace(/[^A-Za-z0-9._-]/g, '-');
    await createArtifact(sql, { org: 'examples', model, filename: name, sha256, size: await blobs.size(sha256), uploadedBy: 'seed' });
    n++;
  }
  return n;
}
