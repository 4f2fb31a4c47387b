/**
 * `convertCheckpoint(input, output)`: scan, load through the weights-only
 * set, name every tensor by its path, handle shared storages and casting,
 * write a safetensors file atomically, and optionally verify it byte for
 * byte. Nothing from the input is ever executed.
 */
import type { AllowEntry } from '../python-globals/types.js';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { FileSource, type ByteSource } from '../bytes/source.js';
import { looksLikeAge } from '../age/magic.js';
import type { Verdict } from '../findings/verdict.js';
import type { Finding } from '../findings/finding.js';
import type { FloatDtype } from './cast.js';
import { ConvertError } from './errors.js';
import { openCheckpoint, type Checkpoint, type CheckpointTensor, type LeftBehind } from './load/checkpoint.js';
import type { CkValue } from './load/tree.js';
import { AtomicFile } from './output.js';
import { planOutput, type OutputPlan, type SourceTensor } from './plan.js';
import { headerPlan, verifyOutput, writeTensors, type InputFile, type VerifyResult } from './write.js';

export interface ConvertOptions {
  /** Convert even when the scan says malicious; what cannot be rebuilt is left behind and reported. */
  allowMalicious?: boolean;
  /** Leave behind foreign objects and unsupported tensors instead of failing. */
  salvage?: boolean;
  /** age identity file: an encrypted checkpoint is decrypted in memory, never on disk. */
  identityFile?: string;
  /** Tied weights: drop exact aliases recording them in metadata (default), or write every copy. */
  shared?: 'dedupe' | 'copy';
  /** Cast float tensors (F64/F32/F16/BF16) to this type. */
  dtype?: FloatDtype;
  /** Convert only the subtree at this dotted path (`state_dict`); names lose the prefix. */
  key?: string;
  /** Re-read the output and compare every tensor byte for byte. */
  verify?: boolean;
  /** Replace an existing output. */
  overwrite?: boolean;
  /** fsync before renaming (default true). */
  durable?: boolean;
  /** Extra `__metadata__` entries. */
  metadata?: Record<string, string>;
  /**
   * Extra allowlist entries for the scan that precedes the conversion (an
   * allowlist file's `allow`): a checkpoint whose only unknown classes are
   * allowed scans clean, and those objects are left behind, not refused.
   */
  allow?: readonly AllowEntry[];
}

export interface ConvertReport {
  input: string;
  output: string;
  kind: 'checkpoint' | 'npz' | 'folder';
  /** The scan that preceded the conversion: verdict and its non-info findings. */
  scan: { verdict: Verdict; findings: Finding[] } | undefined;
  /** Tensors written. */
  tensors: number;
  /** Output size in bytes (all files for a folder). */
  bytes: number;
  aliases: { name: string; kept: string }[];
  sharedCopies: string[][];
  cast: number;
  leftBehind: LeftBehind[];
  /** Plain values (numbers, strings, ...) in the converted tree that safetensors cannot hold. */
  nonTensorValues: number;
  verified: VerifyResult | undefined;
  hints: string[];
  /** Folder conversions: one report per converted weights file. */
  files?: ConvertReport[];
  copied?: string[];
  durationMs: number;
}

/** The tensors under `key` (dotted), renamed relative to it. */
export function selectTensors(tensors: readonly CheckpointTensor[], key: string | undefined): { name: string; t: CheckpointTensor }[] {
  if (key === undefined || key === '') return tensors.map((t) => ({ name: t.name, t }));
  const out: { name: string; t: CheckpointTensor }[] = [];
  for (const t of tensors) {
    if (t.name === key) out.push({ name: key.slice(key.lastIndexOf('.') + 1), t });
    else if (t.name.startsWith(`${key}.`)) out.push({ name: t.name.slice(key.length + 1), t });
  }
  if (out.length === 0) throw new ConvertError('E_USAGE', `no tensor under '${key}'`);
  return out;
}

export function checkpointSources(selected: readonly { name: string; t: CheckpointTensor }[]): SourceTensor[] {
  return selected.map(({ name, t }) => {
    const s = t.tensor.storage;
    const begin = s.identityOffset + t.layout.byteOffset;
    const end = s.identityOffset + t.layout.byteEnd;
    return {
      name,
      dtype: t.tensor.dtype,
      shape: t.tensor.shape,
      data: { kind: 'file', base: t.fileOffset, layout: t.layout, shape: t.tensor.shape, strides: t.tensor.strides, elSize: t.tensor.dtype.size },
      share: { identity: s.identity, begin, end, view: `${t.tensor.dtype.name}|${t.tensor.shape.join(',')}|${t.tensor.strides.join(',')}|${begin}` },
    };
  });
}

/** Counts plain leaves (not containers, not tensors) under the selected subtree. */
function countPlainValues(root: CkValue, key: string | undefined): number {
  let node: CkValue | undefined = root;
  for (const part of key === undefined || key === '' ? [] : key.split('.')) {
    if (node === null || typeof node !== 'object') return 0;
    if (node.kind === 'dict') node = node.entries.find(([k]) => (typeof k === 'string' || typeof k === 'number' ? String(k) : undefined) === part)?.[1];
    else if (node.kind === 'list' || node.kind === 'tuple') node = node.items[Number(part)];
    else return 0;
  }
  let n = 0;
  const visit = (v: CkValue | undefined, depth: number): void => {
    if (v === undefined || depth > 256) return;
    if (v === null || typeof v !== 'object') {
      n++;
      return;
    }
    switch (v.kind) {
      case 'dict':
        for (const [, x] of v.entries) visit(x, depth + 1);
        return;
      case 'list':
      case 'tuple':
      case 'set':
        for (const x of v.items) visit(x, depth + 1);
        return;
      case 'tensor':
      case 'unsupported-tensor':
      case 'foreign':
      case 'storage':
        return;
      default:
        n++;
    }
  };
  visit(node, 0);
  return n;
}

function hintsFor(ck: Checkpoint, key: string | undefined): string[] {
  const root = ck.root;
  if ((key === undefined || key === '') && root !== null && typeof root === 'object' && root.kind === 'dict') {
    const sd = root.entries.find(([k]) => k === 'state_dict');
    if (sd !== undefined && ck.tensors.some((t) => t.path[0] !== 'state_dict')) {
      return ["the checkpoint has a 'state_dict': --key state_dict converts only the model weights, with their model names (as Hugging Face's converter does)"];
    }
  }
  return [];
}

/** Writes `plan` from `inputPath` to `output` atomically; verifies when asked. */
export async function writeSafetensorsFile(
  inputPath: string,
  plan: OutputPlan,
  output: string,
  options: ConvertOptions,
  source?: ByteSource,
): Promise<{ bytes: number; verified: VerifyResult | undefined }> {
  const st = headerPlan(plan);
  const out = new AtomicFile(output, options.overwrite === true);
  let fd: number | undefined;
  try {
    fd = openSync(inputPath, 'r');
    const input: InputFile = { fd, path: inputPath, ...(source === undefined ? {} : { source }) };
    const bytes = await writeTensors(input, plan, st, out);
    out.commit(options.durable !== false);
    let verified: VerifyResult | undefined;
    if (options.verify === true) {
      try {
        verified = await verifyOutput(input, plan, output);
      } catch (e) {
        // A file that does not match its input must not stay under the final name.
        rmSync(output, { force: true });
        throw e;
      }
    }
    return { bytes, verified };
  } catch (e) {
    out.abort();
    throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** An age-encrypted input with an identity: its plaintext as a source (decrypted chunk by chunk in memory). */
async function openEncrypted(input: string, identityFile: string | undefined): Promise<ByteSource | undefined> {
  if (identityFile === undefined) return undefined;
  const head = new FileSource(input);
  let age: boolean;
  try {
    age = looksLikeAge(head.read(0, Math.min(64, head.size)));
  } finally {
    head.close();
  }
  if (!age) return undefined;
  const { openDecryptedSource } = await import('../age/source.js');
  const { parseIdentitiesFile } = await import('../age/keys.js');
  return openDecryptedSource(input, parseIdentitiesFile(readFileSync(identityFile, 'utf8'), identityFile));
}

export async function convertCheckpoint(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertReport> {
  const started = performance.now();
  const allow = options.allowMalicious === true;
  const encrypted = await openEncrypted(input, options.identityFile);
  const ck = await openCheckpoint(input, {
    allowMalicious: allow,
    salvage: options.salvage === true || allow,
    ...(encrypted === undefined ? {} : { source: encrypted }),
    ...(options.allow === undefined ? {} : { scanOptions: { allow: options.allow } }),
  });
  try {
    const selected = selectTensors(ck.tensors, options.key);
    const plan = planOutput(checkpointSources(selected), {
      shared: options.shared ?? 'dedupe',
      dtype: options.dtype,
      salvage: options.salvage === true || allow,
      metadata: options.metadata,
    });
    const { bytes, verified } = await writeSafetensorsFile(input, plan, output, options, encrypted);
    const scan = ck.scan === undefined ? undefined : { verdict: ck.scan.verdict, findings: ck.scan.findings.filter((f) => f.severity !== 'info') };
    return {
      input,
      output,
      kind: 'checkpoint',
      scan,
      tensors: plan.tensors.length,
      bytes,
      aliases: plan.aliases,
      sharedCopies: plan.sharedCopies,
      cast: plan.cast,
      leftBehind: [...ck.leftBehind, ...plan.leftBehind],
      nonTensorValues: countPlainValues(ck.root, options.key),
      verified,
      hints: hintsFor(ck, options.key),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    ck.close();
  }
}
