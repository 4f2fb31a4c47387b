/** Paths and small helpers shared by the converter tests. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileSource } from '../../../src/bytes/source.js';
import { readSafetensorsStrict, type SafetensorsFile } from '../../../src/convert/safetensors/strict-reader.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (tests run from build/test/convert/helpers). */
export const ROOT = resolve(here, '../../../..');
export const FIXTURES = join(ROOT, 'test/fixtures/convert');

export interface Expected {
  tensors: Record<string, { dtype: string; shape: number[]; sha256: string }>;
  cast?: Record<string, Record<string, string>>;
}

export const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'modelguard-convert-'));
  t.after(() => {
    rmSync(d, { recursive: true, force: true });
  });
  return d;
}

/** Name → sha256 of each tensor's bytes in a safetensors file, plus the parsed header. */
export function readOutput(path: string): { file: SafetensorsFile; hashes: Record<string, string> } {
  const src = new FileSource(path);
  try {
    const file = readSafetensorsStrict(src);
    const hashes: Record<string, string> = {};
    for (const t of file.tensors) hashes[t.name] = sha256(src.read(t.offset, t.byteLength));
    return { file, hashes };
  } finally {
    src.close();
  }
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir);
}
