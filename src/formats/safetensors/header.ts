/**
 * safetensors header validation: what the Rust crate enforces, plus what the
 * spec requires and the crate lets through (duplicate keys, unknown fields,
 * a non-string `__metadata__`).
 *
 * Spec: huggingface/safetensors README ("Format"); crate: `safetensors/src/tensor.rs`
 * (`read_metadata`, `Metadata::validate`): tensors sorted by `data_offsets`
 * must tile the byte buffer from 0 with no gap or overlap, each range must
 * equal `prod(shape) * bits(dtype) / 8`, and the last end must be the end
 * of the file (no trailing bytes, which would allow polyglots).
 */
import type { JsonEntry, JsonObject, JsonValue } from '../../bytes/strict-json.js';
import { dtypeBits } from './dtypes.js';

const U64_MAX = (1n << 64n) - 1n;
const TENSOR_FIELDS = new Set(['dtype', 'shape', 'data_offsets']);

/** One violation, with the byte offset in the file and the tensor it concerns. */
export interface HeaderIssue {
  message: string;
  offset: number;
  tensor?: string;
}

export interface TensorEntry {
  name: string;
  dtype: string;
  shape: bigint[];
  begin: bigint;
  end: bigint;
  elements: bigint;
  /** File offset of the tensor's key in the header. */
  offset: number;
}

export interface HeaderSummary {
  tensors: TensorEntry[];
  metadataKeys: number;
  /** `__metadata__` when it is a map of strings. */
  metadata: Record<string, string> | undefined;
  issues: HeaderIssue[];
}

/**
 * Validates a parsed header. `headerStart` is the file offset of the JSON
 * (8); the byte buffer is `bufferSize` bytes from `headerStart + headerLength`.
 */
export function validateHeader(root: JsonValue, headerStart: number, headerLength: number, bufferSize: number): HeaderSummary {
  const issues: HeaderIssue[] = [];
  const at = (o: number): number => headerStart + o;
  const tensors: TensorEntry[] = [];
  let metadataKeys = 0;
  let metadata: Record<string, string> | undefined;
  if (root.kind !== 'object') {
    issues.push({ message: `header is a JSON ${root.kind}, not an object`, offset: at(root.offset) });
    return { tensors, metadataKeys, metadata, issues };
  }
  for (const dup of duplicates(root)) {
    issues.push({ message: `duplicate key ${JSON.stringify(dup.key)} in header`, offset: at(dup.offset), tensor: dup.key });
  }
  for (const entry of root.entries) {
    if (entry.key === '__metadata__') {
      metadata = checkMetadata(entry, at, issues);
      if (entry.value.kind === 'object') metadataKeys += entry.value.entries.length;
      continue;
    }
    const t = checkTensor(entry, at, issues);
    if (t !== undefined) tensors.push(t);
  }
  checkLayout(tensors, headerStart + headerLength, bufferSize, issues);
  return { tensors, metadataKeys, metadata, issues };
}

function duplicates(obj: JsonObject): JsonEntry[] {
  const seen = new Set<string>();
  const out: JsonEntry[] = [];
  for (const e of obj.entries) {
    if (seen.has(e.key)) out.push(e);
    else seen.add(e.key);
  }
  return out;
}

/** Checks `__metadata__`; returns it when it is a map of strings. */
function checkMetadata(entry: JsonEntry, at: (o: number) => number, issues: HeaderIssue[]): Record<string, string> | undefined {
  const v = entry.value;
  if (v.kind !== 'object') {
    issues.push({ message: `__metadata__ is a JSON ${v.kind}, not a map of strings`, offset: at(v.offset) });
    return undefined;
  }
  for (const dup of duplicates(v)) {
    issues.push({ message: `duplicate key ${JSON.stringify(dup.key)} in __metadata__`, offset: at(dup.offset) });
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let ok = true;
  for (const e of v.entries) {
    if (e.value.kind !== 'string') {
      ok = false;
      issues.push({
        message: `__metadata__ value for ${JSON.stringify(e.key)} is a JSON ${e.value.kind}, not a string`,
        offset: at(e.value.offset),
      });
    } else {
      out[e.key] = e.value.value;
    }
  }
  return ok ? out : undefined;
}

/** A non-negative integer literal that fits a u64 (serde's `usize` on 64-bit), or undefined. */
function u64Of(v: JsonValue): bigint | undefined {
  if (v.kind !== 'number' || !/^(0|[1-9][0-9]*)$/.test(v.text)) return undefined;
  const n = BigInt(v.text);
  return n <= U64_MAX ? n : undefined;
}

function checkTensor(entry: JsonEntry, at: (o: number) => number, issues: HeaderIssue[]): TensorEntry | undefined {
  const name = entry.key;
  const v = entry.value;
  const bad = (message: string, offset: number): undefined => {
    issues.push({ message: `tensor ${JSON.stringify(name)}: ${message}`, offset: at(offset), tensor: name });
    return undefined;
  };
  if (v.kind !== 'object') {
    bad(`info is a JSON ${v.kind}, not an object`, v.offset);
    return;
  }
  for (const dup of duplicates(v)) bad(`duplicate field ${JSON.stringify(dup.key)}`, dup.offset);
  const fields = new Map<string, JsonValue>();
  for (const e of v.entries) {
    if (!TENSOR_FIELDS.has(e.key)) bad(`unknown field ${JSON.stringify(e.key)}`, e.offset);
    else if (!fields.has(e.key)) fields.set(e.key, e.value);
  }
  const dtypeV = fields.get('dtype');
  const shapeV = fields.get('shape');
  const offsV = fields.get('data_offsets');
  if (dtypeV === undefined || shapeV === undefined || offsV === undefined) {
    bad('missing dtype, shape or data_offsets', v.offset);
    return;
  }
  if (dtypeV.kind !== 'string') {
    bad('dtype is not a string', dtypeV.offset);
    return;
  }
  const bits = dtypeBits(dtypeV.value);
  if (bits === undefined) {
    bad(`unknown dtype ${JSON.stringify(dtypeV.value)}`, dtypeV.offset);
    return;
  }
  if (shapeV.kind !== 'array') {
    bad('shape is not an array', shapeV.offset);
    return;
  }
  const shape: bigint[] = [];
  for (const d of shapeV.items) {
    const n = u64Of(d);
    if (n === undefined) {
      bad('shape holds something other than a non-negative integer', d.offset);
      return;
    }
    shape.push(n);
  }
  if (offsV.kind !== 'array' || offsV.items.length !== 2) {
    bad('data_offsets is not a pair', offsV.offset);
    return;
  }
  const [b0, e0] = offsV.items;
  const begin = b0 === undefined ? undefined : u64Of(b0);
  const end = e0 === undefined ? undefined : u64Of(e0);
  if (begin === undefined || end === undefined) {
    bad('data_offsets are not non-negative integers', offsV.offset);
    return;
  }
  if (end < begin) {
    bad(`data_offsets end ${end} is before begin ${begin}`, offsV.offset);
    return;
  }
  let elements = 1n;
  for (const d of shape) elements *= d;
  const totalBits = elements * BigInt(bits);
  if (elements > U64_MAX || totalBits > U64_MAX) {
    bad(`shape [${shape.join(', ')}] overflows 64 bits`, shapeV.offset);
    return;
  }
  if (totalBits % 8n !== 0n) {
    bad(`${elements} ${dtypeV.value} elements do not fill whole bytes`, shapeV.offset);
    return;
  }
  if (end - begin !== totalBits / 8n) {
    bad(`data_offsets span ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtypeV.value} needs ${totalBits / 8n}`, offsV.offset);
    return;
  }
  return { name, dtype: dtypeV.value, shape, begin, end, elements, offset: at(entry.offset) };
}

/** The crate's tiling rule: sorted by offsets, ranges run 0..bufferSize without gaps or overlaps. */
function checkLayout(tensors: TensorEntry[], bufferStart: number, bufferSize: number, issues: HeaderIssue[]): void {
  const sorted = [...tensors].sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0));
  const size = BigInt(bufferSize);
  let cursor = 0n;
  for (const t of sorted) {
    if (t.end > size) {
      issues.push({
        message: `tensor ${JSON.stringify(t.name)}: data_offsets end ${t.end} past the end of the file (buffer is ${size} bytes)`,
        offset: t.offset,
        tensor: t.name,
      });
    }
    if (t.begin > cursor) {
      issues.push({
        message: `gap of ${t.begin - cursor} unindexed bytes before tensor ${JSON.stringify(t.name)} (${cursor}..${t.begin})`,
        offset: t.offset,
        tensor: t.name,
      });
    } else if (t.begin < cursor) {
      issues.push({
        message: `tensor ${JSON.stringify(t.name)} overlaps the previous tensor (starts at ${t.begin} < ${cursor})`,
        offset: t.offset,
        tensor: t.name,
      });
    }
    if (t.end > cursor) cursor = t.end;
  }
  if (cursor < size) {
    issues.push({
      message: `${size - cursor} bytes after the last tensor are not indexed by the header (polyglot or hidden data)`,
      offset: bufferStart + Number(cursor),
    });
  }
}
