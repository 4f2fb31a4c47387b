/**
 * A Hugging Face model folder: `pytorch_model.bin`, or shards
 * `pytorch_model-0000x-of-0000y.bin` with `pytorch_model.bin.index.json`,
 * into `model.safetensors` or `model-0000x-of-0000y.safetensors` with
 * `model.safetensors.index.json` (names as Hugging Face's converter renames
 * them). Every other file is copied, except pickles and checkpoints
 * (`training_args.bin`, optimizer states), which are left behind: copying
 * them into a "safe" folder would launder them. The folder is staged under
 * a temporary name and renamed whole.
 */
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { FileSource } from '../bytes/source.js';
import { looksLikePickle } from '../formats/pickle/sniff.js';
import { convertCheckpoint, type ConvertOptions, type ConvertReport } from './convert.js';
import { ConvertError } from './errors.js';
import { detectCheckpoint, type LeftBehind } from './load/checkpoint.js';
import { fsyncDir, stagingDirFor } from './output.js';
import { finalMode, forgetTemp } from '../files/temp.js';
import { readSafetensorsStrict } from './safetensors/strict-reader.js';

/** Index files larger than this are not an index (CWE-770). */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;
/** Files and folders copied at most (a model folder has a few dozen). */
const MAX_COPIED = 10_000;
const PICKLE_EXTENSIONS = /\.(bin|pt|pth|ckpt|pkl|pickle|joblib|npy|npz)$/i;

/** `pytorch_model-00001-of-00002.bin` → `model-00001-of-00002.safetensors` (Hugging Face's `rename`). */
export function safetensorsName(bin: string): string {
  return bin.replace(/\.[^.]*$/, '.safetensors').replace('pytorch_model', 'model');
}

function validShardName(n: unknown): n is string {
  return typeof n === 'string' && n.length > 0 && !n.includes('/') && !n.includes('\\') && n !== '.' && n !== '..' && !n.includes('\0');
}

interface Index {
  metadata: Record<string, unknown>;
  weightMap: Map<string, string>;
}

function readIndex(path: string): Index {
  const size = lstatSync(path).size;
  if (size > MAX_INDEX_BYTES) throw new ConvertError('E_LIMIT', `${path} is ${size} bytes (limit ${MAX_INDEX_BYTES})`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConvertError('E_MALFORMED', `${path} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const o = json as { metadata?: unknown; weight_map?: unknown } | null;
  if (typeof o !== 'object' || o === null || typeof o.weight_map !== 'object' || o.weight_map === null) {
    throw new ConvertError('E_MALFORMED', `${path} has no weight_map`);
  }
  const weightMap = new Map<string, string>();
  for (const [k, v] of Object.entries(o.weight_map)) {
    if (!validShardName(v)) throw new ConvertError('E_MALFORMED', `${path}: weight_map['${k}'] is not a file name in the folder`);
    weightMap.set(k, v);
  }
  const metadata = typeof o.metadata === 'object' && o.metadata !== null ? (o.metadata as Record<string, unknown>) : {};
  return { metadata, weightMap };
}

function isPickleLike(path: string): boolean {
  if (PICKLE_EXTENSIONS.test(path)) return true;
  const src = new FileSource(path);
  try {
    const head = src.read(0, Math.min(4096, src.size));
    return looksLikePickle(head) || detectCheckpoint(src) !== 'unknown';
  } finally {
    src.close();
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function copyDurably(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  fsyncFile(to);
}

/** Copies the other files of the folder, leaving pickles and checkpoints behind. */
function copyOthers(input: string, staging: string, skip: ReadonlySet<string>, produced: ReadonlySet<string>, leftBehind: LeftBehind[]): string[] {
  const copied: string[] = [];
  let count = 0;
  const walk = (dir: string): void => {
    for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (++count > MAX_COPIED) throw new ConvertError('E_LIMIT', `more than ${MAX_COPIED} files in ${input}`);
      const abs = join(dir, ent.name);
      const rel = relative(input, abs);
      if (ent.isDirectory()) {
        if (ent.name !== '.git') walk(abs);
        continue;
      }
      if (skip.has(rel)) continue;
      if (!ent.isFile()) {
        leftBehind.push({ where: rel, what: 'not a regular file', why: 'symbolic links and special files are not copied' });
        continue;
      }
      if (produced.has(rel)) {
        leftBehind.push({ where: rel, what: 'file', why: 'the converted output has a file of this name' });
        continue;
      }
      if (isPickleLike(abs)) {
        leftBehind.push({ where: rel, what: 'pickle or checkpoint', why: 'not copied: it could run code when loaded; convert or remove it' });
        continue;
      }
      copyDurably(abs, join(staging, rel));
      copied.push(rel);
    }
  };
  walk(input);
  return copied;
}

export async function convertFolder(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertReport> {
  const started = performance.now();
  if (existsSync(output) && options.overwrite !== true) throw new ConvertError('E_CONVERT_OUTPUT', `${output} exists (use --force to replace it)`);
  const indexPath = join(input, 'pytorch_model.bin.index.json');
  const single = join(input, 'pytorch_model.bin');
  const sharded = existsSync(indexPath);
  if (!sharded && !existsSync(single)) {
    throw new ConvertError('E_CONVERT_FORMAT', `${input} has neither pytorch_model.bin nor pytorch_model.bin.index.json`);
  }
  const staging = stagingDirFor(output, (p, mode) => {
    mkdirSync(p, { mode });
  });
  const files: ConvertReport[] = [];
  const leftBehind: LeftBehind[] = [];
  const hints: string[] = [];
  try {
    const skip = new Set<string>();
    const produced = new Set<string>();
    const fileOpts: ConvertOptions = { ...options, overwrite: false };
    if (!sharded) {
      skip.add('pytorch_model.bin');
      produced.add('model.safetensors');
      files.push(await convertCheckpoint(single, join(staging, 'model.safetensors'), fileOpts));
    } else {
      const index = readIndex(indexPath);
      skip.add('pytorch_model.bin.index.json');
      produced.add('model.safetensors.index.json');
      const shards = [...new Set(index.weightMap.values())].sort();
      const weightMap: Record<string, string> = {};
      let total = 0;
      for (const shard of shards) {
        const out = safetensorsName(shard);
        if (produced.has(out)) throw new ConvertError('E_CONVERT_NAME', `two shards map to ${out}`);
        skip.add(shard);
        produced.add(out);
        const r = await convertCheckpoint(join(input, shard), join(staging, out), fileOpts);
        files.push(r);
        const src = new FileSource(join(staging, out));
        try {
          for (const t of readSafetensorsStrict(src).tensors) {
            if (Object.hasOwn(weightMap, t.name)) throw new ConvertError('E_CONVERT_NAME', `tensor '${t.name}' is in two shards`);
            weightMap[t.name] = out;
            total += t.byteLength;
            if (index.weightMap.get(t.name) !== shard) hints.push(`'${t.name}' is in ${shard} but the index does not say so`);
          }
        } finally {
          src.close();
        }
      }
      const aliases = new Set(files.flatMap((f) => f.aliases.map((a) => a.name)));
      for (const [name, shard] of index.weightMap) {
        if (!Object.hasOwn(weightMap, name) && !aliases.has(name))
          leftBehind.push({ where: name, what: `tensor listed in the index (${shard})`, why: 'not found in its shard' });
      }
      const sortedMap = Object.fromEntries(
        Object.keys(weightMap)
          .sort()
          .map((k) => [k, weightMap[k] as string]),
      );
      const indexOut = join(staging, 'model.safetensors.index.json');
      writeFileSync(indexOut, `${JSON.stringify({ metadata: { ...index.metadata, total_size: total }, weight_map: sortedMap }, null, 2)}\n`);
      fsyncFile(indexOut);
    }
    const copied = copyOthers(input, staging, skip, produced, leftBehind);
    chmodSync(staging, finalMode(0o755));
    fsyncDir(staging);
    if (existsSync(output)) rmSync(output, { recursive: true, force: true });
    renameSync(staging, output);
    forgetTemp(staging);
    fsyncDir(dirname(output));
    const scanFindings = files.flatMap((f) => f.scan?.findings ?? []);
    return {
      input,
      output,
      kind: 'folder',
      scan:
        files[0]?.scan === undefined
          ? undefined
          : { verdict: files.map((f) => f.scan?.verdict ?? 'clean').reduce((a, b) => (rank(a) >= rank(b) ? a : b)), findings: scanFindings },
      tensors: files.reduce((n, f) => n + f.tensors, 0),
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      aliases: files.flatMap((f) => f.aliases),
      sharedCopies: files.flatMap((f) => f.sharedCopies),
      cast: files.reduce((n, f) => n + f.cast, 0),
      leftBehind: [...files.flatMap((f) => f.leftBehind.map((l) => ({ ...l, where: `${basename(f.input)}: ${l.where}` }))), ...leftBehind],
      nonTensorValues: files.reduce((n, f) => n + f.nonTensorValues, 0),
      verified:
        options.verify === true
          ? { tensors: files.reduce((n, f) => n + (f.verified?.tensors ?? 0), 0), bytes: files.reduce((n, f) => n + (f.verified?.bytes ?? 0), 0) }
          : undefined,
      hints,
      files,
      copied,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    forgetTemp(staging);
    throw e;
  }
}

function rank(v: string): number {
  return ['clean', 'suspicious', 'unscannable', 'malicious'].indexOf(v);
}
