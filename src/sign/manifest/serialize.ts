/**
 * Builds a model's manifest exactly as the reference `model_signing`
 * serializers do: per file (`files`) or per fixed-size shard (`shards`,
 * named `path:start:end`), hashed in parallel, sorted canonically.
 */
import { basename, resolve } from 'node:path';
import { algorithm, shardDigestName, type HashName } from '../hash/algorithms.js';
import { hashRanges } from '../hash/pool.js';
import type { RangeJob } from '../hash/range.js';
import { SignError } from '../errors.js';
import { sortResources, type Manifest, type Resource, type Serialization } from './manifest.js';
import { listModelFiles } from './walk.js';

/** Paths the reference ignores by default (at the model root). */
export const GIT_PATHS = ['.git', '.gitattributes', '.github', '.gitignore'];

/** The reference's default shard size (1 GB). */
export const DEFAULT_SHARD_SIZE = 1_000_000_000;

export interface HashOptions {
  hash?: HashName;
  /** Shard the files (`shards` serialization) with this shard size. */
  shardSize?: number;
  allowSymlinks?: boolean;
  /** Extra ignored paths, relative to the model root (POSIX). */
  ignorePaths?: readonly string[];
  /** Ignore `.git`, `.gitattributes`, `.github`, `.gitignore` (default true). */
  ignoreGitPaths?: boolean;
  /** Hash only these resource paths (verification with --ignore-unsigned-files). */
  only?: ReadonlySet<string>;
  threads?: number;
}

export async function hashModel(model: string, o: HashOptions = {}): Promise<Manifest> {
  const algo = algorithm(o.hash ?? 'sha256');
  const ignore = [...(o.ignoreGitPaths === false ? [] : GIT_PATHS), ...(o.ignorePaths ?? [])];
  const allowSymlinks = o.allowSymlinks === true;
  let files = listModelFiles(model, { ignore, allowSymlinks });
  if (o.only !== undefined) files = files.filter((f) => o.only?.has(f.name) === true);
  const jobs: RangeJob[] = [];
  const names: string[] = [];
  const shard = o.shardSize;
  if (shard !== undefined && (!Number.isSafeInteger(shard) || shard <= 0)) {
    throw new SignError('E_SIG_MODEL', `shard size must be a positive integer, not ${shard}`);
  }
  for (const f of files) {
    if (shard === undefined) {
      jobs.push({ path: f.path, start: 0, end: f.size, node: algo.node, size: f.size, mtimeMs: f.mtimeMs });
      names.push(f.name);
      continue;
    }
    // Empty files have no shards (the reference yields none for them).
    for (let start = 0; start < f.size; start += shard) {
      const end = Math.min(f.size, start + shard);
      jobs.push({ path: f.path, start, end, node: algo.node, size: f.size, mtimeMs: f.mtimeMs });
      names.push(`${f.name}:${start}:${end}`);
    }
  }
  const digests = await hashRanges(jobs, o.threads);
  const digestName = shard === undefined ? algo.digestName : shardDigestName(algo, shard);
  const resources: Resource[] = digests.map((d, i) => ({ name: names[i] as string, algorithm: digestName, digest: d }));
  const ignorePaths = [...ignore];
  const serialization: Serialization =
    shard === undefined
      ? { method: 'files', hash_type: algo.id, allow_symlinks: allowSymlinks, ...(ignorePaths.length > 0 ? { ignore_paths: ignorePaths } : {}) }
      : {
          method: 'shards',
          hash_type: algo.id,
          shard_size: shard,
          allow_symlinks: allowSymlinks,
          ...(ignorePaths.length > 0 ? { ignore_paths: ignorePaths } : {}),
        };
  return { modelName: basename(resolve(model)), serialization, resources: sortResources(resources, serialization.method) };
}
