/**
 * Best-effort plaintext removal: overwrite the file's bytes with zeros,
 * fsync, then unlink and fsync the directory.
 *
 * What this does NOT guarantee (say so to users): on SSDs (wear levelling,
 * TRIM), copy-on-write file systems (btrfs, ZFS, APFS), log-structured or
 * journaled-data file systems, snapshots, backups and network file systems,
 * the old blocks can survive the overwrite. Only encrypting from the start
 * (or full-disk encryption) protects against that.
 */
import { constants } from 'node:fs';
import { open, rm, rmdir, unlink, lstat, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crashPoint } from './crash.js';
import { fsyncDir } from '../files/fsutil.js';

const ZEROS = Buffer.alloc(1024 * 1024);

/** Overwrites then unlinks one regular file. Missing files are not an error. */
export async function shredFile(path: string, overwrite = true): Promise<void> {
  try {
    if (overwrite) {
      const h = await open(path, constants.O_WRONLY | constants.O_NOFOLLOW);
      try {
        const { size } = await h.stat();
        for (let pos = 0; pos < size; pos += ZEROS.length) {
          await h.write(ZEROS, 0, Math.min(ZEROS.length, size - pos), pos);
          if (pos === 0) {
            await h.sync();
            crashPoint('overwriting'); // the plaintext is now damaged: the journal must stop a re-encryption
          }
        }
        await h.sync();
      } finally {
        await h.close();
      }
    }
    await unlink(path);
    await fsyncDir(dirname(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Shreds every regular file under `dir`, then removes the (now empty) tree. */
export async function shredTree(dir: string, overwrite = true): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const n of names) {
    const p = join(dir, n);
    const st = await lstat(p);
    if (st.isDirectory()) await shredTree(p, overwrite);
    else if (st.isFile()) await shredFile(p, overwrite);
    else await unlink(p);
  }
  await rmdir(dir).catch(async (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY') await rm(dir, { recursive: true, force: true });
    else if (code !== 'ENOENT') throw e;
  });
  await fsyncDir(dirname(dir));
}
