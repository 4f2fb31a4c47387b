/**
 * The vault's journal, `vault.json`: one entry per encrypted copy, with the
 * state of the crash-safety protocol it reached. Rewritten atomically (temp
 * file, fsync, rename, directory fsync) at every state change, so after a
 * crash it shows the last completed step.
 *
 * It holds names, sizes, steps, metrics and the ciphertext's SHA-256: no
 * key material and no plaintext digest.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from './errors.js';
import { atomicWrite, writeAll } from '../files/fsutil.js';

export const MANIFEST_NAME = 'vault.json';

/**
 * - `pending`: the ciphertext was verified as `<file>.partial`; the rename to
 *   `<file>` may or may not have happened.
 * - `verified`: `<file>` holds a verified ciphertext; plaintext untouched.
 * - `deleting-plaintext`: plaintext removal started (it may be partly
 *   overwritten: never re-encrypt it).
 * - `plaintext-deleted`: only the ciphertext remains.
 */
export type EntryState = 'pending' | 'verified' | 'deleting-plaintext' | 'plaintext-deleted';

export interface VaultEntry {
  /** File name inside the vault, e.g. `checkpoint-1200.tar.age`. */
  readonly file: string;
  /** Name of the source inside the watched folder. */
  readonly source: string;
  readonly kind: 'file' | 'dir';
  readonly fingerprint: string;
  readonly plaintextBytes: number;
  readonly ciphertextBytes: number;
  readonly ciphertextSha256: string;
  readonly archivedAt: string;
  readonly step?: number;
  readonly epoch?: number;
  readonly metrics: Readonly<Record<string, number>>;
  state: EntryState;
}

export interface Manifest {
  readonly version: 1;
  entries: VaultEntry[];
}

export async function loadManifest(vaultDir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(vaultDir, MANIFEST_NAME), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: [] };
    throw fail('E_IO', `cannot read ${MANIFEST_NAME}: ${(e as Error).message}`, { cause: e });
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw fail('E_VAULT_STATE', `${MANIFEST_NAME} is not valid JSON`, { cause: e });
  }
  const ok = typeof m === 'object' && m !== null && (m as { version?: unknown }).version === 1 && Array.isArray((m as Manifest).entries);
  if (!ok) throw fail('E_VAULT_STATE', `${MANIFEST_NAME} has an unknown layout`);
  return m as Manifest;
}

export async function saveManifest(vaultDir: string, m: Manifest): Promise<void> {
  const text = `${JSON.stringify(m, null, 2)}\n`;
  await atomicWrite(join(vaultDir, MANIFEST_NAME), (h) => writeAll(h, [Buffer.from(text)]), 0o600);
}
