/**
 * Whether each encrypted copy the journal records is still what was
 * verified when it was written: the file exists, has the recorded size, and
 * hashes to the recorded ciphertext SHA-256.
 *
 * Retention deletes a copy only when the copies it keeps are proven intact
 * this way: a journal entry alone proves nothing (the file may have been
 * deleted by hand, truncated by a full disk, or rotted on storage), and
 * counting a damaged copy as "the one kept" is how a vault loses its last
 * good checkpoint.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { VaultEntry } from './manifest.js';

export type CopyHealth = 'intact' | 'missing' | 'corrupt';

export interface CopyCheck {
  readonly health: CopyHealth;
  /** Why the copy is not intact (for `missing` and `corrupt`). */
  readonly why?: string;
}

const CHUNK = 1 << 20;

/**
 * Hashes are cached per file identity (device, inode, size, change time):
 * a watcher that prunes every pass re-reads a copy only when its file changed.
 */
const verifiedCache = new Map<string, string>();

/** Checks one copy against its journal entry, reading the whole ciphertext. */
export async function checkCopy(vaultDir: string, e: VaultEntry): Promise<CopyCheck> {
  const path = join(vaultDir, e.file);
  let h;
  try {
    h = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { health: 'missing', why: code === 'ENOENT' ? 'the file is gone' : `cannot open it (${code ?? 'error'})` };
  }
  try {
    const st = await h.stat();
    if (!st.isFile()) return { health: 'corrupt', why: 'not a regular file' };
    if (st.size !== e.ciphertextBytes) return { health: 'corrupt', why: `${st.size} bytes, the journal recorded ${e.ciphertextBytes}` };
    const identity = `${st.dev}:${st.ino}:${st.size}:${st.ctimeMs}`;
    const cached = verifiedCache.get(path);
    let sha: string;
    if (cached !== undefined && cached.startsWith(`${identity} `)) {
      sha = cached.slice(identity.length + 1);
    } else {
      const hash = createHash('sha256');
      const buf = new Uint8Array(CHUNK);
      for (let pos = 0; pos < st.size;) {
        const { bytesRead } = await h.read(buf, 0, Math.min(CHUNK, st.size - pos), pos);
        if (bytesRead === 0) return { health: 'corrupt', why: `ends at byte ${pos}, the journal recorded ${e.ciphertextBytes}` };
        hash.update(buf.subarray(0, bytesRead));
        pos += bytesRead;
      }
      sha = hash.digest('hex');
      verifiedCache.set(path, `${identity} ${sha}`);
    }
    if (sha !== e.ciphertextSha256) return { health: 'corrupt', why: 'its SHA-256 differs from the one recorded when it was verified' };
    return { health: 'intact' };
  } finally {
    await h.close();
  }
}

/** Checks each entry; the map has one result per entry. */
export async function checkCopies(vaultDir: string, entries: readonly VaultEntry[]): Promise<Map<VaultEntry, CopyCheck>> {
  const out = new Map<VaultEntry, CopyCheck>();
  for (const e of entries) out.set(e, await checkCopy(vaultDir, e));
  return out;
}
