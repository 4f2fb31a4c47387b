/**
 * GGUF tensor infos and the data section: names, dimensions, types and
 * offsets checked the way llama.cpp's `gguf_init_from_file_impl` checks
 * them, and every tensor's bytes checked to lie inside the file.
 */
import { ModelguardError } from '../../errors.js';
import type { WindowCursor } from '../../bytes/window.js';
import { checkCount, readString, stringLength, type GgufHeader } from './metadata.js';
import { GGML_MAX_DIMS, GGML_MAX_NAME, GGML_TYPE_ID_CEILING, GGML_TYPES } from './types.js';

export interface TensorInfo {
  name: string;
  dims: bigint[];
  type: number;
  offset: bigint;
  /** Byte size when the type is known. */
  bytes: bigint | undefined;
  /** File offset of the tensor info record. */
  at: number;
}

/** A problem with the data layout that is not a memory-safety issue (gaps, alignment, unknown types). */
export interface LayoutIssue {
  message: string;
  offset: number;
}

const INT64_MAX = (1n << 63n) - 1n;

function malformed(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', message, { offset });
}

export function readTensorInfos(cur: WindowCursor, header: GgufHeader, maxEntries: number): TensorInfo[] {
  const v = header.version;
  const len = v === 1 ? 4 : 8;
  // Smallest info: name length + empty name + n_dims + type + offset.
  checkCount(cur, header.tensorCount, len + 4 + 4 + 8, maxEntries, 'tensor_count');
  const out: TensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < header.tensorCount; i++) {
    const at = cur.pos;
    const nameLen = stringLength(cur, v, 'tensor name');
    if (nameLen >= GGML_MAX_NAME) {
      malformed(`tensor name of ${nameLen} bytes at offset ${at} is not shorter than GGML_MAX_NAME (${GGML_MAX_NAME})`, at);
    }
    cur.seek(at);
    const name = readString(cur, v, 'tensor name');
    if (names.has(name)) malformed(`duplicate tensor name ${JSON.stringify(name)} at offset ${at}`, at);
    names.add(name);
    const nDims = cur.u32('n_dims');
    if (nDims > GGML_MAX_DIMS) malformed(`tensor ${JSON.stringify(name)} has ${nDims} dimensions (max ${GGML_MAX_DIMS})`, at);
    const dims: bigint[] = [];
    let elements = 1n;
    for (let d = 0; d < nDims; d++) {
      const dim = v === 1 ? BigInt(cur.u32('dim')) : cur.u64('dim');
      if (dim > INT64_MAX) malformed(`tensor ${JSON.stringify(name)} dimension ${dim} overflows int64`, at);
      dims.push(dim);
      elements *= dim;
      if (elements > INT64_MAX) malformed(`tensor ${JSON.stringify(name)} element count overflows int64`, at);
    }
    const type = cur.u32('ggml type');
    if (type >= GGML_TYPE_ID_CEILING) malformed(`tensor ${JSON.stringify(name)} has invalid ggml type ${type}`, at);
    const offset = cur.u64('tensor offset');
    out.push({ name, dims, type, offset, bytes: byteSize(name, dims, type, elements, at), at });
  }
  return out;
}

function byteSize(name: string, dims: bigint[], type: number, elements: bigint, at: number): bigint | undefined {
  const t = GGML_TYPES.get(type);
  if (t === undefined) return undefined;
  const ne0 = dims[0] ?? 1n;
  if (ne0 % BigInt(t.block) !== 0n) {
    malformed(`tensor ${JSON.stringify(name)}: first dimension ${ne0} is not a multiple of the ${t.name} block size ${t.block}`, at);
  }
  return (elements / BigInt(t.block)) * BigInt(t.bytes);
}

/**
 * Checks every tensor's bytes against the file (`E_MALFORMED` when out of
 * bounds or overlapping) and returns softer layout issues.
 */
export function checkDataSection(tensors: readonly TensorInfo[], dataStart: number, fileSize: number, alignment: number): LayoutIssue[] {
  const issues: LayoutIssue[] = [];
  const avail = BigInt(fileSize - dataStart);
  const align = BigInt(alignment);
  const sorted = [...tensors].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  let cursor = 0n;
  for (const t of sorted) {
    const q = JSON.stringify(t.name);
    if (t.offset % align !== 0n) {
      issues.push({ message: `tensor ${q} offset ${t.offset} is not a multiple of the alignment ${alignment}`, offset: t.at });
    }
    if (t.bytes === undefined) {
      issues.push({ message: `tensor ${q} has ggml type ${t.type}, unknown to this scanner: its size is not checked`, offset: t.at });
      if (t.offset > avail) malformed(`tensor ${q} data offset ${t.offset} is past the end of the file`, t.at);
      continue;
    }
    if (t.offset > avail || t.bytes > avail - t.offset) {
      malformed(`tensor ${q} data (${t.bytes} bytes at data offset ${t.offset}) runs past the end of the file`, t.at);
    }
    if (t.offset < cursor) {
      malformed(`tensor ${q} data at ${t.offset} overlaps the previous tensor (which ends at ${cursor})`, t.at);
    }
    if (t.offset > cursor + align) {
      issues.push({ message: `${t.offset - cursor} unused bytes before tensor ${q}`, offset: dataStart + Number(cursor) });
    }
    cursor = t.offset + t.bytes;
  }
  if (tensors.length > 0 && avail - cursor >= align) {
    issues.push({
      message: `${avail - cursor} bytes after the last tensor are not referenced by any tensor`,
      offset: dataStart + Number(cursor),
    });
  }
  return issues;
}
