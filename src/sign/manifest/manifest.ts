/**
 * The manifest: every file (or file shard) of a model with its digest,
 * ordered as the reference orders it (by path components, then shard
 * offsets; `a/b` sorts before `a-b`), and the root digest: SHA-256 over the
 * raw resource digests in that order.
 */
import { createHash } from 'node:crypto';
import { SignError, type Difference } from '../errors.js';

export interface Resource {
  /** `path`, or `path:start:end` for shards. */
  name: string;
  /** `sha256`, `blake2b`, `sha256-sharded-1000000000`... */
  algorithm: string;
  /** Lowercase hex. */
  digest: string;
}

export type Serialization =
  | { method: 'files'; hash_type: string; allow_symlinks: boolean; ignore_paths?: string[] }
  | { method: 'shards'; hash_type: string; shard_size: number; allow_symlinks: boolean; ignore_paths?: string[] };

export interface Manifest {
  modelName: string;
  serialization: Serialization;
  /** In canonical order. */
  resources: Resource[];
}

/** Python's str ordering: by code point (JS `<` compares UTF-16 units). */
function compareStr(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = (x[i] as string).codePointAt(0) as number;
    const d = (y[i] as string).codePointAt(0) as number;
    if (c !== d) return c - d;
  }
  return x.length - y.length;
}

function comparePaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = compareStr(x[i] as string, y[i] as string);
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

interface Key {
  path: string;
  start: number;
  end: number;
}

export function parseKey(name: string, method: 'files' | 'shards'): Key {
  if (method === 'files') return { path: name, start: 0, end: 0 };
  const parts = name.split(':');
  if (parts.length !== 3 || !/^\d+$/.test(parts[1] ?? '') || !/^\d+$/.test(parts[2] ?? '')) {
    throw new SignError('E_SIG_BUNDLE', `invalid shard resource name '${name}' (expected path:start:end)`);
  }
  return { path: parts[0] as string, start: Number(parts[1]), end: Number(parts[2]) };
}

export function compareResources(method: 'files' | 'shards'): (a: Resource, b: Resource) => number {
  return (a, b) => {
    const x = parseKey(a.name, method);
    const y = parseKey(b.name, method);
    return comparePaths(x.path, y.path) || x.start - y.start || x.end - y.end;
  };
}

export function sortResources(resources: Resource[], method: 'files' | 'shards'): Resource[] {
  return resources.sort(compareResources(method));
}

/** SHA-256 over the raw digests in the order listed. */
export function rootDigest(resources: readonly Resource[]): string {
  const h = createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}

/** Differences between the files on disk and what was signed (as sets, by name). */
export function diffManifests(actual: readonly Resource[], expected: readonly Resource[], ignoreExtra = false): Difference[] {
  const a = new Map(actual.map((r) => [r.name, r]));
  const e = new Map(expected.map((r) => [r.name, r]));
  const out: Difference[] = [];
  for (const [name, r] of e) {
    const got = a.get(name);
    if (got === undefined) out.push({ kind: 'missing', name, expected: `${r.algorithm}:${r.digest}` });
    else if (got.digest !== r.digest || got.algorithm !== r.algorithm) {
      out.push({ kind: 'changed', name, expected: `${r.algorithm}:${r.digest}`, actual: `${got.algorithm}:${got.digest}` });
    }
  }
  if (!ignoreExtra) for (const [name, r] of a) if (!e.has(name)) out.push({ kind: 'extra', name, actual: `${r.algorithm}:${r.digest}` });
  return out.sort((x, y) => comparePaths(x.name, y.name));
}
