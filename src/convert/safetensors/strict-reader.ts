/**
 * The converter's view of a safetensors file, for `convert --verify`, the
 * folder converter and tests: the project's one header reader
 * (`formats/safetensors/reader.ts`, the scanner's), refusing the file at
 * the first way it breaks the format, and returning where each tensor's
 * bytes are. Only byte-addressable dtypes and dimensions under 2^53 are
 * accepted: those are what the converter writes and reads back.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import { DEFAULT_LIMITS } from '../../formats/limits.js';
import { isSafetensorsDtype, type SafetensorsDtype } from '../../formats/safetensors/dtypes.js';
import { readSafetensorsHeader } from '../../formats/safetensors/reader.js';

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

function bad(message: string, offset?: number): ModelguardError {
  return new ModelguardError('E_MALFORMED', `safetensors: ${message}`, offset === undefined ? {} : { offset });
}

function safe(n: bigint, what: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`${what} ${n} is over 2^53`);
  return Number(n);
}

export function readSafetensorsStrict(src: ByteSource): SafetensorsFile {
  const header = readSafetensorsHeader(src, DEFAULT_LIMITS);
  const first = header.issues[0];
  if (first !== undefined) throw bad(first.message, first.offset);
  const dataStart = 8 + header.headerLength;
  const tensors = header.tensors.map((t): SafetensorsEntry => {
    if (!isSafetensorsDtype(t.dtype)) throw bad(`tensor '${t.name}' has dtype ${t.dtype}, which is not byte-addressable`, t.offset);
    return {
      name: t.name,
      dtype: t.dtype,
      shape: t.shape.map((d) => safe(d, `tensor '${t.name}' dimension`)),
      offset: dataStart + safe(t.begin, `tensor '${t.name}' offset`),
      byteLength: safe(t.end - t.begin, `tensor '${t.name}' length`),
    };
  });
  tensors.sort((a, b) => a.offset - b.offset);
  return { metadata: header.metadata === undefined ? undefined : { ...header.metadata }, tensors, dataStart, headerLength: header.headerLength };
}
