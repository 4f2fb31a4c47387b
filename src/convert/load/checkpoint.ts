/**
 * The safe PyTorch checkpoint loader: `openCheckpoint(path)` scans the file,
 * refuses malicious input with the scan's findings, then rebuilds the object
 * tree through the symbolic pickle machine, interpreting only the
 * weights-only set. Nothing is imported, called or executed; tensor bytes
 * are located in the file, never copied.
 */
import { FileSource, type ByteSource } from '../../bytes/source.js';
import { head } from '../../bytes/source.js';
import { startsWithTorchMagic } from '../../formats/torch/legacy.js';
import { scanSource, type ScanOptions } from '../../scan/engine.js';
import { scanFile } from '../../scan/scan-file.js';
import type { Finding } from '../../findings/finding.js';
import type { FileReport } from '../../findings/report.js';
import { ConvertError } from '../errors.js';
import { gatherChunks } from './gather.js';
import { loadLegacyTree } from './legacy.js';
import type { CheckpointFormat } from './loaded.js';
import { tensorLayout, type TensorLayout } from './layout.js';
import { pathName, walkTree } from './materialize.js';
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from './pickle.js';
import type { CkValue, PathPart, Tensor } from './tree.js';
import { loadZipTree } from './zip.js';

export interface LoadOptions {
  /**
   * Leave behind what the loader cannot rebuild (objects outside the
   * weights-only set, quantized/sparse tensors, tensors whose bytes are
   * missing) instead of failing; each is listed in `leftBehind`.
   */
  salvage?: boolean;
  /**
   * Leave behind objects outside the weights-only set (listed in
   * `leftBehind`) but still fail on unsupported tensors and bad storages.
   * `openCheckpoint` sets it when the scan found the file clean: every such
   * object is then on the scan's allowlist for the way it is used (a
   * `PurePosixPath` in Lightning hyper-parameters, an `argparse.Namespace`).
   */
  leaveForeign?: boolean;
  limits?: Partial<LoadLimits>;
}

export interface OpenOptions extends LoadOptions {
  /** Load even when the scan's verdict is `malicious` (implies `salvage`). */
  allowMalicious?: boolean;
  /** A scan report already made for this file (skips the scan). */
  scanReport?: FileReport;
  /** Options of the scan that precedes the load (a user allowlist, limits). */
  scanOptions?: ScanOptions;
  /**
   * The plaintext to read instead of the file at `path` (a decrypted age
   * file); it is scanned and loaded from, and closed with the checkpoint.
   */
  source?: ByteSource;
}

/** A tensor of the checkpoint, named by its path. */
export interface CheckpointTensor {
  /** Path components joined with '.' (`state_dict.encoder.weight`). */
  readonly name: string;
  readonly path: readonly PathPart[];
  readonly tensor: Tensor;
  readonly layout: TensorLayout;
  /** Absolute file offset of the tensor's element 0. */
  readonly fileOffset: number;
}

/** Something in the checkpoint the loader did not turn into a tensor. */
export interface LeftBehind {
  /** Where it is in the tree (`<root>`, `optimizer.state`) or in the file. */
  where: string;
  what: string;
  why: string;
}

export interface Checkpoint {
  readonly format: CheckpointFormat;
  readonly root: CkValue;
  /** Every tensor occurrence in tree order (a tensor stored under two names appears twice). */
  readonly tensors: readonly CheckpointTensor[];
  readonly leftBehind: readonly LeftBehind[];
  /** The scan that preceded the load (`openCheckpoint` only). */
  readonly scan: FileReport | undefined;
  /** Where tensor bytes are read from; closed by `close`. */
  readonly source: ByteSource;
  close(): void;
}

export type DetectedFormat = CheckpointFormat | 'torch-tar' | 'unknown';

export function detectCheckpoint(src: ByteSource): DetectedFormat {
  const h = head(src, 512);
  if (h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) return 'torch-zip';
  if (startsWithTorchMagic(h)) return 'torch-legacy';
  if (h.length >= 262 && String.fromCharCode(...h.subarray(257, 262)) === 'ustar') return 'torch-tar';
  return 'unknown';
}

/** Loads a checkpoint from a byte source without scanning it first (the caller has). */
export function loadCheckpoint(src: ByteSource, options: LoadOptions = {}): Checkpoint {
  const limits: LoadLimits = { ...DEFAULT_LOAD_LIMITS, ...options.limits };
  const salvage = options.salvage === true;
  const foreignOk = salvage || options.leaveForeign === true;
  const format = detectCheckpoint(src);
  let loaded;
  switch (format) {
    case 'torch-zip':
      loaded = loadZipTree(src, limits, foreignOk);
      break;
    case 'torch-legacy':
      loaded = loadLegacyTree(src, limits, foreignOk);
      break;
    case 'torch-tar':
      throw new ConvertError('E_CONVERT_FORMAT', 'a tar checkpoint (PyTorch before 0.1.10) is not supported');
    case 'unknown':
      throw new ConvertError('E_CONVERT_FORMAT', 'not a PyTorch checkpoint (neither a torch.save zip nor the legacy format)');
  }
  const contents = walkTree(loaded.root);
  const leftBehind: LeftBehind[] = [];
  const tensors: CheckpointTensor[] = [];
  for (const { path, tensor } of contents.tensors) {
    const name = pathName(path);
    let layout: TensorLayout;
    try {
      layout = tensorLayout(tensor, name);
    } catch (e) {
      if (!salvage || !(e instanceof ConvertError)) throw e;
      leftBehind.push({ where: name, what: `tensor (${tensor.dtype.name})`, why: e.message });
      continue;
    }
    const fileOffset = (tensor.storage.fileOffset ?? 0) + layout.byteOffset;
    tensors.push({ name, path, tensor, layout, fileOffset });
  }
  for (const { path, node } of contents.unsupported) {
    const name = pathName(path);
    if (!salvage) {
      throw new ConvertError('E_CONVERT_UNSUPPORTED_TENSOR', `tensor '${name}' is ${node.what} (${node.via}); not supported`, {
        tensor: name,
        offset: node.pos,
      });
    }
    leftBehind.push({ where: name, what: node.what, why: `${node.via} is not supported` });
  }
  for (const { path, node } of contents.foreign) {
    leftBehind.push({ where: pathName(path), what: `${node.global} (${node.use})`, why: 'outside the weights-only set: never rebuilt' });
  }
  for (const { path, node } of contents.storages) {
    leftBehind.push({ where: pathName(path), what: `storage '${node.key}'`, why: 'a bare storage, not a tensor' });
  }
  for (const n of loaded.notes) {
    leftBehind.push({ where: `pickle offset ${n.pos}`, what: n.global ?? 'pickle operation', why: n.message });
  }
  return {
    format: loaded.format,
    root: loaded.root,
    tensors,
    leftBehind,
    scan: undefined,
    source: src,
    close: () => {
      src.close();
    },
  };
}

const SEVERITY_ORDER: Record<Finding['severity'], number> = { malicious: 0, unscannable: 1, suspicious: 2, info: 3 };

export function worstFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** The refusal for a malicious scan verdict, explained by its worst findings. */
export function refusal(report: FileReport, what: string): ConvertError {
  const bad = worstFirst(report.findings).filter((f) => f.severity === 'malicious');
  const first = bad[0];
  const why = first === undefined ? '' : `: ${first.rule}: ${first.message}`;
  return new ConvertError(
    'E_CONVERT_REFUSED',
    `refusing to convert ${what}: the scan found it malicious${why}${bad.length > 1 ? ` (and ${bad.length - 1} more)` : ''}`,
    {
      findings: bad,
    },
  );
}

/** Scans `path`, refuses malicious input, then loads it. Close the result when done. */
export async function openCheckpoint(path: string, options: OpenOptions = {}): Promise<Checkpoint> {
  const so = options.scanOptions ?? {};
  const report = options.scanReport ?? (options.source === undefined ? await scanFile(path, so) : await scanSource(options.source, path, so));
  const allow = options.allowMalicious === true;
  if (report.verdict === 'malicious' && !allow) {
    options.source?.close();
    throw refusal(report, path);
  }
  const src = options.source ?? new FileSource(path);
  try {
    const ck = loadCheckpoint(src, {
      ...options,
      salvage: options.salvage === true || allow,
      leaveForeign: options.leaveForeign ?? report.verdict === 'clean',
    });
    const findings = worstFirst(report.findings).filter((f) => f.severity !== 'info');
    const left =
      allow && report.verdict === 'malicious'
        ? findings.map((f): LeftBehind => ({ where: f.location.member?.join(' > ') ?? 'file', what: f.rule, why: f.message }))
        : [];
    return { ...ck, leftBehind: [...left, ...ck.leftBehind], scan: report };
  } catch (e) {
    src.close();
    if (e instanceof ConvertError && e.code === 'E_CONVERT_FOREIGN_GLOBAL' && e.findings.length === 0) {
      const about = report.findings.filter((f) => f.global === e.global && f.severity !== 'info');
      throw new ConvertError(e.code, e.message + (about[0] === undefined ? '' : `; the scan says: ${about[0].rule}: ${about[0].message}`), {
        findings: worstFirst(about),
        ...(e.global === undefined ? {} : { global: e.global }),
        ...(e.offset === undefined ? {} : { offset: e.offset }),
        cause: e,
      });
    }
    throw e;
  }
}

/** A tensor's row-major bytes in bounded chunks (contiguous copy or strided gather). */
export function tensorChunks(ck: Checkpoint, t: CheckpointTensor, chunkBytes: number, sink: (chunk: Uint8Array) => void): void {
  const src = ck.source;
  gatherChunks(
    (o, n) => src.read(o, n),
    t.fileOffset,
    t.layout,
    { shape: t.tensor.shape, strides: t.tensor.strides, elSize: t.tensor.dtype.size },
    chunkBytes,
    sink,
  );
}

/** A tensor's row-major bytes in one buffer (for small tensors; refuses over `max` bytes). */
export function tensorBytes(ck: Checkpoint, t: CheckpointTensor, max = 256 * 1024 * 1024): Uint8Array {
  if (t.layout.nbytes > max) throw new ConvertError('E_LIMIT', `tensor '${t.name}' has ${t.layout.nbytes} bytes (limit ${max} in memory)`);
  const out = new Uint8Array(t.layout.nbytes);
  let at = 0;
  tensorChunks(ck, t, 16 * 1024 * 1024, (c) => {
    out.set(c, at);
    at += c.length;
  });
  return out;
}
