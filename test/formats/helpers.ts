/** Shared helpers for the format scanner tests. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BufferSource, type ByteSource } from '../../src/bytes/source.js';
import { scanBuffer, scanSource } from '../../src/scan/engine.js';
import type { FileReport } from '../../src/findings/report.js';
import type { Verdict } from '../../src/findings/verdict.js';

/** Repository root (tests run from build/test/formats/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SLOW = process.env['SLOW'] === '1';

export function fixtureDir(format: string): string {
  return join(ROOT, 'test', 'fixtures', format);
}

export function fixture(format: string, name: string): string {
  return join(fixtureDir(format), name);
}

/** Fixture files whose names state their outcome (`clean__x.ext`, `malicious__y.ext`). */
export function outcomeFixtures(format: string, ext: string): { name: string; expected: Verdict }[] {
  return readdirSync(fixtureDir(format))
    .filter((n) => n.endsWith(ext) && /^(clean|suspicious|malicious)__/.test(n))
    .map((name) => ({ name, expected: name.split('__')[0] as Verdict }));
}

/** `rule:severity` of every finding, for compact assertions. */
export function ruleSeverities(r: FileReport): string[] {
  return r.findings.map((f) => `${f.rule}:${f.severity}`);
}

export function has(r: FileReport, rule: string, severity?: string): boolean {
  return r.findings.some((f) => f.rule === rule && (severity === undefined || f.severity === severity));
}

export function scanBytes(bytes: Uint8Array, name = 'input'): Promise<FileReport> {
  return scanBuffer(bytes, name);
}

/** A source that records the largest single read, to prove nothing big was allocated. */
export class RecordingSource implements ByteSource {
  readonly inner: BufferSource;
  maxRead = 0;
  totalRead = 0;
  constructor(bytes: Uint8Array) {
    this.inner = new BufferSource(bytes);
  }
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Uint8Array {
    this.maxRead = Math.max(this.maxRead, length);
    this.totalRead += length;
    return this.inner.read(offset, length);
  }
  close(): void {}
}

/** A source claiming `size` bytes of which only `head` exist; reads beyond `head` are zeros. */
export class SparseSource implements ByteSource {
  readonly size: number;
  readonly head: Uint8Array;
  maxRead = 0;
  constructor(head: Uint8Array, size: number) {
    this.head = head;
    this.size = size;
  }
  read(offset: number, length: number): Uint8Array {
    this.maxRead = Math.max(this.maxRead, length);
    if (length > 64 << 20) throw new Error(`test source: refusing a ${length}-byte read`);
    const out = new Uint8Array(length);
    if (offset < this.head.length) out.set(this.head.subarray(offset, Math.min(this.head.length, offset + length)));
    return out;
  }
  close(): void {}
}

export function scanSrc(src: ByteSource, name = 'input', dir?: string): Promise<FileReport> {
  return scanSource(src, name, dir === undefined ? {} : { dir });
}

export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

export function u64le(n: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Fails if the scan ended in an internal error (a crash turned into a finding). */
export function assertNoInternalError(r: FileReport, what: string): void {
  if (r.findings.some((f) => f.rule === 'engine/internal-error')) {
    throw new Error(`${what}: internal error: ${r.findings.map((f) => f.message).join('; ')}`);
  }
}

/**
 * Property test: `data` with 1-`maxFlips` random bytes XORed never crashes
 * the scan. Deterministic (`seed`); SLOW=1 runs `slowRuns` cases.
 */
export async function flipsNeverCrash(data: Uint8Array, name: string, o: { runs: number; slowRuns: number; seed: number; maxFlips?: number }): Promise<void> {
  const fc = (await import('fast-check')).default;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(data.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: o.maxFlips ?? 6 }),
      async (flips) => {
        const m = Uint8Array.from(data);
        for (const [at, x] of flips) m[at] = (m[at] as number) ^ x;
        assertNoInternalError(await scanBuffer(m, name), `flips ${JSON.stringify(flips)}`);
      },
    ),
    { numRuns: SLOW ? o.slowRuns : o.runs, seed: o.seed },
  );
}
