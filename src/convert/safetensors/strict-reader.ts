/**
 * A small strict safetensors reader, for `convert --verify` and tests. It
 * checks everything the specification says (header size, JSON object with
 * `{` first and only space padding, no duplicate keys, known dtypes,
 * byte length = shape product x element size, offsets covering the byte
 * buffer with no holes or overlaps, nothing after it) and returns where each
 * tensor's bytes are. (The project's safetensors format scanner reports on
 * hostile files; this reader only says yes or no, with the first reason.)
 */
import type { ByteSource } from '../../bytes/source.js';
import { ByteReader } from '../../bytes/reader.js';
import { utf8Strict } from '../../bytes/text.js';
import { ModelguardError } from '../../errors.js';
import { isSafetensorsDtype, type SafetensorsDtype } from '../dtypes.js';
import { parseStrictJson, type Json } from './strict-json.js';
import { MAX_HEADER_BYTES, byteLengthOf } from './writer.js';

export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute offsets in the file. */
  offset: number;
  byteLength: number;
}

export interface SafetensorsFile {
  metadata: Record<string, string> | undefined;
  /** In file order. */
  tensors: SafetensorsEntry[];
  dataStart: number;
  /** Header length (N) as written. */
  headerLength: number;
}

function bad(message: string): ModelguardError {
  return new ModelguardError('E_MALFORMED', `safetensors: ${message}`);
}

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readSafetensorsStrict(src: ByteSource): SafetensorsFile {
  if (src.size < 8) throw new ModelguardError('E_TRUNCATED', 'safetensors: shorter than its 8-byte header length');
  const n = new ByteReader(src.read(0, 8)).u64le('header length');
  if (n > BigInt(MAX_HEADER_BYTES)) throw new ModelguardError('E_LIMIT', `safetensors: header of ${n} bytes (limit ${MAX_HEADER_BYTES})`);
  const headerLength = Number(n);
  if (headerLength > src.size - 8) throw new ModelguardError('E_TRUNCATED', `safetensors: header of ${headerLength} bytes in a ${src.size}-byte file`);
  const raw = src.read(8, headerLength);
  if (raw[0] !== 0x7b) throw bad("the header does not start with '{'");
  let end = raw.length;
  while (end > 0 && raw[end - 1] === 0x20) end--;
  const text = utf8Strict(raw.subarray(0, end), 'safetensors header');
  const json = parseStrictJson(text);
  if (!isObject(json)) throw bad('the header is not a JSON object');
  const dataStart = 8 + headerLength;
  let metadata: Record<string, string> | undefined;
  const tensors: SafetensorsEntry[] = [];
  const spans: { begin: number; end: number; name: string }[] = [];
  for (const [name, v] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (!isObject(v)) throw bad('__metadata__ is not an object');
      metadata = {};
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') throw bad(`__metadata__['${k}'] is not a string`);
        metadata[k] = s;
      }
      continue;
    }
    if (!isObject(v)) throw bad(`tensor '${name}' is not an object`);
    const keys = Object.keys(v).sort().join(',');
    if (keys !== 'data_offsets,dtype,shape') throw bad(`tensor '${name}' has fields ${keys}, expected dtype, shape, data_offsets`);
    const { dtype, shape, data_offsets: offsets } = v;
    if (typeof dtype !== 'string' || !isSafetensorsDtype(dtype)) throw bad(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d): d is number => typeof d === 'number')) throw bad(`tensor '${name}' shape is not a list of integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || typeof offsets[0] !== 'number' || typeof offsets[1] !== 'number') {
      throw bad(`tensor '${name}' data_offsets is not [begin, end]`);
    }
    const [begin, stop] = offsets;
    if (stop < begin) throw bad(`tensor '${name}' ends before it begins`);
    const want = byteLengthOf(dtype, shape);
    if (stop - begin !== want) throw bad(`tensor '${name}' spans ${stop - begin} bytes, its dtype and shape need ${want}`);
    spans.push({ begin, end: stop, name });
    tensors.push({ name, dtype, shape, offset: dataStart + begin, byteLength: want });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const s of spans) {
    if (s.begin !== at) throw bad(s.begin < at ? `tensor '${s.name}' overlaps the previous one` : `a hole before tensor '${s.name}'`);
    at = s.end;
  }
  if (dataStart + at !== src.size) throw bad(`the byte buffer is ${src.size - dataStart} bytes, the tensors cover ${at}`);
  tensors.sort((a, b) => a.offset - b.offset);
  return { metadata, tensors, dataStart, headerLength };
}
