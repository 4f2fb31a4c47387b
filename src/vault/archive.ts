/**
 * Archiving one complete checkpoint into the vault, crash-safely.
 *
 * The protocol (each arrow is durable before the next starts):
 *   1. encrypt the plaintext (a file, or a folder as a tar stream) to
 *      `<file>.partial` while hashing the plaintext; fsync
 *   2. verify: decrypt `<file>.partial` from disk with the in-memory file
 *      key (header MAC and every chunk) and compare the plaintext hash;
 *      re-check the source fingerprint (it must not have changed)
 *   3. journal the entry as `pending`
 *   4. rename `<file>.partial` -> `<file>`; fsync the vault folder
 *   5. journal `verified`
 *   6. only with deletePlaintext: journal `deleting-plaintext`, overwrite
 *      and unlink the plaintext, journal `plaintext-deleted`
 * A final name therefore only ever holds a verified ciphertext, and
 * plaintext is only touched after step 5. `recover` finishes or undoes
 * whatever a crash interrupted.
 *
 * Test hook (crash.ts): `MODELGUARD_VAULT_CRASH_AT=<step>` makes the
 * process SIGKILL itself at that step (`encrypted`, `verified`, `pending`,
 * `renamed`, `journaled`, `deleting`, `overwriting`, `deleted`), so tests
 * can crash it for real.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crashPoint } from './crash.js';
import { fail } from './errors.js';
import { KnownFileKey } from '../age/encrypt.js';
import { decryptHandle, encryptTo, type Sink } from '../age/file.js';
import type { ChunkPool } from '../age/pool.js';
import { newFileKey } from '../age/primitives.js';
import type { Recipient } from '../age/recipient.js';
import { describeCandidate, type Candidate } from './complete.js';
import { fsyncDir, writeAll } from '../files/fsutil.js';
import { forgetTemp, TEMP_FLAGS, trackTemp } from '../files/temp.js';
import { saveManifest, type Manifest, type VaultEntry } from './manifest.js';
import { readCheckpointMeta } from './meta.js';
import { shredFile, shredTree } from './shred.js';
import { listTree, tarStream } from '../containers/tar/writer.js';

export const PARTIAL_SUFFIX = '.partial';

export interface ArchiveContext {
  readonly watchDir: string;
  readonly vaultDir: string;
  readonly recipients: readonly Recipient[];
  readonly pool?: ChunkPool | undefined;
  readonly deletePlaintext: boolean;
  /** Overwrite plaintext before unlinking (best effort; see shred.ts). */
  readonly overwrite: boolean;
  readonly markerSuffix: string;
  readonly log: (line: string) => void;
}

function vaultName(c: Candidate, m: Manifest, existing: ReadonlySet<string>): string {
  const ext = c.kind === 'dir' ? '.tar.age' : '.age';
  const taken = (f: string): boolean => existing.has(f) || existing.has(f + PARTIAL_SUFFIX) || m.entries.some((e) => e.file === f);
  if (!taken(c.name + ext)) return c.name + ext;
  for (let v = 2; ; v++) if (!taken(`${c.name}.v${v}${ext}`)) return `${c.name}.v${v}${ext}`;
}

async function plaintextSource(c: Candidate): Promise<AsyncIterable<Uint8Array>> {
  if (c.kind === 'dir') {
    const { entries } = await listTree(c.path, c.name);
    return tarStream(entries);
  }
  const h = await open(c.path, constants.O_RDONLY | constants.O_NOFOLLOW);
  return (async function* () {
    try {
      const buf = Buffer.allocUnsafe(1024 * 1024);
      for (;;) {
        const { bytesRead } = await h.read(buf, 0, buf.length, null);
        if (bytesRead === 0) return;
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await h.close();
    }
  })();
}

/** Encrypts to `<file>.partial`, fsyncs, verifies from disk. Returns sizes and the ciphertext hash. */
async function sealAndVerify(ctx: ArchiveContext, c: Candidate, partial: string): Promise<{ plain: number; cipher: number; sha: string }> {
  const fileKey = newFileKey();
  const plainHash = createHash('sha256');
  const cipherHash = createHash('sha256');
  // A stale partial (or anything planted at the name) is removed, never followed: exclusive create, no symlink.
  await unlink(partial).catch(() => undefined);
  const h = await open(partial, TEMP_FLAGS, 0o600);
  trackTemp(partial);
  let sizes;
  try {
    const sink: Sink = async (parts) => {
      for (const p of parts) cipherHash.update(p);
      await writeAll(h, parts);
    };
    sizes = await encryptTo(await plaintextSource(c), sink, ctx.recipients, {
      fileKey,
      pool: c.bytes >= 4 * 1024 * 1024 ? ctx.pool : undefined,
      onPlaintext: (p) => plainHash.update(p),
    });
    await h.sync();
  } finally {
    await h.close();
  }
  crashPoint('encrypted');
  const check = createHash('sha256');
  const r = await open(partial, 'r');
  try {
    await decryptHandle(r, () => Promise.resolve(), [new KnownFileKey(fileKey)], {
      pool: sizes.ciphertextBytes >= 4 * 1024 * 1024 ? ctx.pool : undefined,
      onPlaintext: (p) => check.update(p),
    });
  } finally {
    await r.close();
  }
  fileKey.fill(0);
  if (check.digest('hex') !== plainHash.digest('hex')) throw fail('E_VAULT_VERIFY', `${partial} does not decrypt to what was read`);
  return { plain: sizes.plaintextBytes, cipher: sizes.ciphertextBytes, sha: cipherHash.digest('hex') };
}

/** Steps 6: remove the plaintext of an entry whose ciphertext is verified. */
export async function deletePlaintext(ctx: ArchiveContext, m: Manifest, entry: VaultEntry): Promise<void> {
  entry.state = 'deleting-plaintext';
  await saveManifest(ctx.vaultDir, m);
  crashPoint('deleting');
  const path = join(ctx.watchDir, entry.source);
  if (entry.kind === 'dir') await shredTree(path, ctx.overwrite);
  else await shredFile(path, ctx.overwrite);
  await shredFile(`${path}${ctx.markerSuffix}`, false);
  entry.state = 'plaintext-deleted';
  await saveManifest(ctx.vaultDir, m);
  crashPoint('deleted');
  ctx.log(`removed plaintext ${entry.source}`);
}

/**
 * Archives one complete candidate. Returns the new entry, or `undefined`
 * if the source changed during encryption (it is retried on a later scan).
 */
export async function archiveCandidate(ctx: ArchiveContext, m: Manifest, c: Candidate): Promise<VaultEntry | undefined> {
  const existing = new Set(await readdir(ctx.vaultDir));
  const file = vaultName(c, m, existing);
  const final = join(ctx.vaultDir, file);
  const partial = final + PARTIAL_SUFFIX;
  const meta = await readCheckpointMeta(ctx.watchDir, c.name, c.kind);
  let sealed;
  try {
    sealed = await sealAndVerify(ctx, c, partial);
  } catch (e) {
    await unlink(partial).catch(() => undefined);
    forgetTemp(partial);
    throw e;
  }
  crashPoint('verified');
  const now = await describeCandidate(ctx.watchDir, c.name, ctx.markerSuffix);
  if (now?.fingerprint !== c.fingerprint) {
    await unlink(partial);
    forgetTemp(partial);
    ctx.log(`${c.name} changed while being encrypted; will retry`);
    return undefined;
  }
  const entry: VaultEntry = {
    file,
    source: c.name,
    kind: c.kind,
    fingerprint: c.fingerprint,
    plaintextBytes: sealed.plain,
    ciphertextBytes: sealed.cipher,
    ciphertextSha256: sealed.sha,
    archivedAt: new Date().toISOString(),
    ...(meta.step === undefined ? {} : { step: meta.step }),
    ...(meta.epoch === undefined ? {} : { epoch: meta.epoch }),
    metrics: meta.metrics,
    state: 'pending',
  };
  m.entries.push(entry);
  // Journaled as pending from here on: recovery finishes the rename, so a signal must not remove the partial.
  forgetTemp(partial);
  await saveManifest(ctx.vaultDir, m);
  crashPoint('pending');
  await rename(partial, final);
  await fsyncDir(ctx.vaultDir);
  crashPoint('renamed');
  entry.state = 'verified';
  await saveManifest(ctx.vaultDir, m);
  crashPoint('journaled');
  ctx.log(`encrypted ${c.name} -> ${file} (${sealed.plain} bytes, verified)`);
  if (ctx.deletePlaintext) await deletePlaintext(ctx, m, entry);
  return entry;
}

/**
 * Repairs the vault after a crash: removes stray `.partial` files, settles
 * `pending` entries (renamed or not), and finishes interrupted plaintext
 * deletions. Never deletes plaintext that lacks a verified ciphertext.
 */
export async function recover(ctx: ArchiveContext, m: Manifest): Promise<void> {
  let changed = false;
  for (const e of [...m.entries]) {
    if (e.state !== 'pending') continue;
    const final = join(ctx.vaultDir, e.file);
    const renamed = await stat(final).then(
      () => true,
      () => false,
    );
    if (renamed) {
      e.state = 'verified'; // it was verified before being journaled as pending
    } else {
      // Verified as .partial but never renamed: finish the rename.
      const partial = final + PARTIAL_SUFFIX;
      const hasPartial = await stat(partial).then(
        () => true,
        () => false,
      );
      if (hasPartial) {
        await rename(partial, final);
        await fsyncDir(ctx.vaultDir);
        e.state = 'verified';
      } else {
        m.entries.splice(m.entries.indexOf(e), 1);
      }
    }
    changed = true;
  }
  if (changed) await saveManifest(ctx.vaultDir, m);
  for (const name of await readdir(ctx.vaultDir)) {
    if (name.endsWith(PARTIAL_SUFFIX)) {
      await unlink(join(ctx.vaultDir, name));
      ctx.log(`removed interrupted ${name}`);
    }
  }
  await fsyncDir(ctx.vaultDir);
  for (const e of m.entries) {
    if (e.state === 'deleting-plaintext') await deletePlaintext(ctx, m, e);
  }
}
