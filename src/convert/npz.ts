/**
 * NumPy `.npz` (numeric arrays) to safetensors: each `<name>.npy` member's
 * header is parsed strictly by the scanner's parser (`formats/numpy/`),
 * its data located in the zip (stored members are copied as ranges,
 * deflated ones streamed through inflate).
 * Object arrays are refused: their data is a pickle, which is never loaded.
 */
import { FileSource, type ByteSource } from '../bytes/source.js';
import { ModelguardError, type ErrorCode } from '../errors.js';
import { parseNpyHeader as parseSharedNpyHeader, type NpyHeader as SharedNpyHeader } from '../formats/numpy/header.js';
import { readZip, type ZipEntry } from '../containers/zip/archive.js';
import { METHOD_DEFLATE, METHOD_STORED, entryHead, entrySource } from '../containers/zip/extract.js';
import { scanFile } from '../scan/scan-file.js';
import { DEFAULT_LIMITS } from '../formats/limits.js';
import { dtypeByName, type TorchDtype } from './dtypes.js';
import { ConvertError } from './errors.js';
import { refusal, worstFirst, type LeftBehind } from './load/checkpoint.js';
import { gatherChunks } from './load/gather.js';
import { contiguousStrides, layoutOf } from './load/layout.js';
import { planOutput, type SourceTensor } from './plan.js';
import type { ConvertOptions, ConvertReport } from './convert.js';
import { writeSafetensorsFile } from './convert.js';

/** Longest .npy header accepted (numpy's reader allows 10 000 by default; CWE-770). */
const MAX_NPY_HEADER = 65536;
/** Fortran-ordered arrays in deflated members are transposed in memory up to this size. */
const MAX_INMEMORY_TRANSPOSE = 256 * 1024 * 1024;

const KINDS: Readonly<Record<string, string>> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  b1: 'bool',
  c8: 'complex64',
  c16: 'complex128',
};

export interface NpyHeader {
  dtype: TorchDtype;
  fortran: boolean;
  shape: number[];
  /** Bytes before the data (magic + lengths + header text). */
  dataStart: number;
}

function npyError(member: string, message: string): ConvertError {
  return new ConvertError('E_CONVERT_UNSUPPORTED_TENSOR', `'${member}': ${message}`, { tensor: member });
}

/** Parses the `.npy` header of `member` from its first bytes (the shared strict parser, then what safetensors can hold). */
export function parseNpyHeader(head: Uint8Array, member: string): NpyHeader {
  let h: SharedNpyHeader;
  try {
    h = parseSharedNpyHeader(head, MAX_NPY_HEADER);
  } catch (e) {
    if (e instanceof ModelguardError) throw new ConvertError(e.code as ErrorCode, `'${member}': ${e.message}`, { cause: e });
    throw e;
  }
  if (h.descr.t === 'list' || h.descr.t === 'tuple') throw npyError(member, 'a structured or subarray dtype has no safetensors equivalent');
  if (h.dtype.hasObject) throw npyError(member, 'an object array: its data is a pickle, which the converter never loads');
  const descr = h.descr.t === 'str' ? h.descr.v : '';
  const d = /^([<>|=])([a-zA-Z])(\d*)$/.exec(descr);
  if (d === null) throw npyError(member, `dtype ${JSON.stringify(descr)} is not numeric`);
  const [, order, kind, size] = d as unknown as [string, string, string, string];
  const name = KINDS[`${kind}${size}`];
  if (name === undefined) throw npyError(member, `dtype ${descr} has no safetensors equivalent`);
  if (order === '>' && size !== '1') throw npyError(member, 'big-endian data is not supported');
  if (h.shape.some((n) => n > BigInt(Number.MAX_SAFE_INTEGER))) throw new ConvertError('E_CONVERT_STORAGE_BOUNDS', `'${member}': a dimension over 2^53`);
  return { dtype: dtypeByName(name) as TorchDtype, fortran: h.fortran, shape: h.shape.map(Number), dataStart: h.dataStart };
}

/** Column-major strides for `shape`. */
function fortranStrides(shape: readonly number[]): number[] {
  const out: number[] = [];
  let acc = 1;
  for (const s of shape) {
    out.push(acc);
    acc *= s;
  }
  return out;
}

export function npzSources(src: ByteSource, salvage: boolean): { sources: SourceTensor[]; leftBehind: LeftBehind[] } {
  const zip = readZip(src, DEFAULT_LIMITS.maxArchiveEntries);
  const sources: SourceTensor[] = [];
  const leftBehind: LeftBehind[] = [];
  for (const e of zip.entries) {
    if (e.listed !== 'central') continue;
    if (!e.name.endsWith('.npy')) {
      leftBehind.push({ where: e.name, what: 'zip member', why: 'not a .npy array' });
      continue;
    }
    const name = e.name.slice(0, -4);
    try {
      sources.push(memberSource(src, e, name));
    } catch (err) {
      if (!salvage || !(err instanceof ConvertError)) throw err;
      leftBehind.push({ where: e.name, what: 'array', why: err.message });
    }
  }
  return { sources, leftBehind };
}

function memberSource(src: ByteSource, e: ZipEntry, name: string): SourceTensor {
  if (e.method !== METHOD_STORED && e.method !== METHOD_DEFLATE) throw npyError(name, `compression method ${e.method} is not supported`);
  if ((e.flags & 1) !== 0) throw npyError(name, 'the member is encrypted');
  const head = entryHead(src, e, Math.min(MAX_NPY_HEADER + 16, e.uncompressedSize));
  const h = parseNpyHeader(head, e.name);
  const strides = h.fortran ? fortranStrides(h.shape) : contiguousStrides(h.shape);
  const dataBytes = e.uncompressedSize - h.dataStart;
  const layout = layoutOf(name, h.shape, strides, 0, h.dtype.size, Math.max(0, dataBytes));
  if (dataBytes < layout.nbytes)
    throw new ConvertError('E_CONVERT_STORAGE_BOUNDS', `tensor '${name}': the member holds ${dataBytes} data bytes, the header needs ${layout.nbytes}`, {
      tensor: name,
    });
  const base = { name, dtype: h.dtype, shape: h.shape, share: undefined };
  if (e.method === METHOD_STORED) {
    return { ...base, data: { kind: 'file', base: e.dataOffset + h.dataStart, layout, shape: h.shape, strides, elSize: h.dtype.size } };
  }
  if (!h.fortran)
    return { ...base, data: { kind: 'inflate', dataOffset: e.dataOffset, compressedSize: e.compressedSize, skip: h.dataStart, length: layout.nbytes } };
  if (e.uncompressedSize > MAX_INMEMORY_TRANSPOSE) throw npyError(name, `a Fortran-ordered array in a compressed member over ${MAX_INMEMORY_TRANSPOSE} bytes`);
  const data = entrySource(src, e, { maxInflatedBytes: MAX_INMEMORY_TRANSPOSE + MAX_NPY_HEADER, maxInflateRatio: Infinity });
  const out = new Uint8Array(layout.nbytes);
  let at = 0;
  gatherChunks(
    (o, n) => data.read(o, n),
    h.dataStart,
    layout,
    { shape: h.shape, strides, elSize: h.dtype.size },
    1 << 24,
    (c) => {
      out.set(c, at);
      at += c.length;
    },
  );
  return { ...base, data: { kind: 'memory', data: out } };
}

export async function convertNpz(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertReport> {
  const started = performance.now();
  const report = await scanFile(input, options.allow === undefined ? {} : { allow: options.allow });
  const allow = options.allowMalicious === true;
  if (report.verdict === 'malicious' && !allow) throw refusal(report, input);
  const salvage = options.salvage === true || allow;
  const src = new FileSource(input);
  let sources: SourceTensor[];
  let leftBehind: LeftBehind[];
  try {
    ({ sources, leftBehind } = npzSources(src, salvage));
  } finally {
    src.close();
  }
  const plan = planOutput(sources, { shared: 'copy', dtype: options.dtype, salvage, metadata: { ...options.metadata } });
  plan.metadata['format'] = options.metadata?.['format'] ?? 'np';
  const { bytes, verified } = await writeSafetensorsFile(input, plan, output, options);
  return {
    input,
    output,
    kind: 'npz',
    scan: { verdict: report.verdict, findings: worstFirst(report.findings).filter((f) => f.severity !== 'info') },
    tensors: plan.tensors.length,
    bytes,
    aliases: [],
    sharedCopies: [],
    cast: plan.cast,
    leftBehind: [...leftBehind, ...plan.leftBehind],
    nonTensorValues: 0,
    verified,
    hints: [],
    durationMs: Math.round(performance.now() - started),
  };
}
