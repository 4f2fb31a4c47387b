/**
 * The garbage collector's reference check (src/server/store/gc.ts) on a
 * registry database holding many revisions: before (each check unpacked
 * `revisions.files`, jsonb, with no index) and after (the referencing table
 * `revision_blobs`, looked up by digest). Prints, for `--revisions` revisions
 * of three files each:
 *
 *   - one walk batch: which of 10,000 digests (half referenced) something
 *     refers to (what each collection asks for the blobs it walks);
 *   - one deletion check: is this one digest referenced (asked under a lock
 *     for every marked blob before it is deleted; such a digest is mostly
 *     unreferenced), averaged over 200, each a round trip;
 *   - the one-off migration of an existing database (filling the table).
 *
 * Usage: npm run bench:registry-gc [-- --database postgres://… --revisions 20000]
 * (without --database: the embedded database, PGlite, in a temporary folder).
 * With --database a fresh database is created on that server and dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { openEmbedded, openPostgres } = await import(join(root, 'dist/server/db/sql.js'));
const { migrate } = await import(join(root, 'dist/server/db/schema.js'));
const { REFERENCED, REFERENCED_AMONG } = await import(join(root, 'dist/server/store/gc.js'));
const { values: o } = parseArgs({ options: { database: { type: 'string' }, revisions: { type: 'string', default: '20000' } } });
const N = Number(o.revisions);
const BATCH = 10_000;

/** The checks as they were before the referencing table (the previous store/gc.ts). */
const OLD_AMONG = `select sha256 as d from artifacts where sha256 = any($1::text[])
  union select f->>'sha256' as d from revisions r, jsonb_array_elements(r.files) f where f->>'sha256' = any($1::text[])`;
const OLD_ONE = `(exists (select 1 from artifacts a where a.sha256 = $1)
  or exists (select 1 from revisions r, jsonb_array_elements(r.files) f where f->>'sha256' = $1))`;

let sql;
let cleanup = async () => undefined;
if (o.database === undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'mg-bench-gc-'));
  sql = await openEmbedded(dir);
  cleanup = async () => rmSync(dir, { recursive: true, force: true });
} else {
  const pg = (await import('pg')).default;
  const name = `mg_bench_gc_${process.pid}`;
  const admin = new pg.Client({ connectionString: o.database });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(o.database);
  u.pathname = `/${name}`;
  sql = await openPostgres(u.toString());
  cleanup = async () => {
    const c = new pg.Client({ connectionString: o.database });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
}

const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const now = () => process.hrtime.bigint();
const digest = (tag, i) => `encode(sha256(convert_to('${tag}' || ${i}, 'UTF8')), 'hex')`;

try {
  await migrate(sql);
  let t = now();
  // N published artifacts, each with a revision of three files (the weights, model.sig, modelguard-scan.sig).
  await sql.query(
    `insert into artifacts (org, model, filename, sha256, size, uploaded_by, state)
       select 'bench', 'm' || (g % 500), 'w.safetensors', ${digest('u', 'g')}, 1, 'bench', 'published' from generate_series(1, $1) g`,
    [N],
  );
  await sql.query(
    `insert into revisions (org, model, rev, artifact_id, files)
       select a.org, a.model, ${digest('r', 'a.id')}, a.id, jsonb_build_array(
         jsonb_build_object('name', 'w.safetensors', 'sha256', ${digest('w', 'a.id')}, 'size', 1),
         jsonb_build_object('name', 'model.sig', 'sha256', ${digest('s', 'a.id')}, 'size', 1),
         jsonb_build_object('name', 'modelguard-scan.sig', 'sha256', ${digest('t', 'a.id')}, 'size', 1))
       from artifacts a where a.org = 'bench'`,
  );
  await sql.query('analyze');
  const fill = ms(t);
  const rows = await sql.query(`select ${digest('w', 'g')} as d from generate_series(1, $1) g`, [BATCH / 2]);
  const missing = await sql.query(`select ${digest('x', 'g')} as d from generate_series(1, $1) g`, [BATCH / 2]);
  const batch = [...rows, ...missing].map((r) => r.d);
  // A deletion check is asked for marked blobs, which nothing refers to (the answer needs every revision looked at).
  const singles = missing.slice(0, 200).map((r) => r.d);

  const measure = async (among, one) => {
    let t0 = now();
    const found = (await sql.query(among, [batch])).length;
    const walk = ms(t0);
    t0 = now();
    for (const d of singles) await sql.query(`select ${one} as r`, [d]);
    return { found, walk, one: ms(t0) / singles.length };
  };
  const before = await measure(OLD_AMONG, OLD_ONE);
  const after = await measure(REFERENCED_AMONG, REFERENCED);
  // The one-off migration of a database that has the revisions but not the table.
  await sql.query('delete from revision_blobs');
  await sql.query(`delete from meta where key = 'revision_blobs'`);
  t = now();
  await migrate(sql);
  const migration = ms(t);
  if (before.found !== after.found) throw new Error(`the checks disagree: ${before.found} vs ${after.found}`);

  const f = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  console.log(`GC reference check, ${sql.kind} database, ${N} revisions x 3 files (filled in ${f(fill)} ms)`);
  console.log(
    `  walk batch (${BATCH} digests, ${before.found} referenced):  before ${f(before.walk)} ms   after ${f(after.walk)} ms   (${(before.walk / after.walk).toFixed(1)}x)`,
  );
  console.log(
    `  one deletion check (mean of ${singles.length}):          before ${f(before.one)} ms   after ${f(after.one)} ms   (${(before.one / after.one).toFixed(0)}x)`,
  );
  console.log(`  migration of an existing database (fill revision_blobs): ${f(migration)} ms`);
} finally {
  await sql.close();
  await cleanup();
}
