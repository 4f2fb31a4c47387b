/**
 * Writes a planned safetensors file and verifies one: tensor bytes are
 * produced from the input (range copy, strided gather, streamed inflate),
 * cast when asked, and written at their planned offsets; verification
 * re-reads the output with the strict reader and compares every byte with
 * a fresh production from the input.
 */
import { createReadStream } from 'node:fs';
import { createInflateRaw } from 'node:zlib';
import { FileSource, type ByteSource } from '../bytes/source.js';
import { castChunk } from './cast.js';
import { ConvertError } from './errors.js';
import { gatherChunks } from './load/gather.js';
import { COPY_CHUNK, copyRange, readExact, type AtomicFile } from './output.js';
import type { OutputPlan, OutputTensor } from './plan.js';
import { readSafetensorsStrict } from './safetensors/strict-reader.js';
import { planSafetensors, type SafetensorsPlan } from './safetensors/writer.js';

export interface InputFile {
  fd: number;
  path: string;
  /** Read through this instead of `fd` (a decrypted age file): no range copies, no plaintext on disk. */
  source?: ByteSource;
}

/** Calls `sink` with the tensor's output bytes, in order, in bounded chunks. */
async function produce(input: InputFile, t: OutputTensor, sink: (chunk: Uint8Array) => void): Promise<void> {
  const d = t.source.data;
  const emit =
    t.cast === undefined
      ? sink
      : (c: Uint8Array) => {
          sink(castChunk((t.cast as NonNullable<OutputTensor['cast']>).from, (t.cast as NonNullable<OutputTensor['cast']>).to, c));
        };
  switch (d.kind) {
    case 'memory':
      emit(d.data);
      return;
    case 'file': {
      const src = input.source;
      const read =
        src !== undefined
          ? (offset: number, length: number): Uint8Array => src.read(offset, length)
          : (offset: number, length: number): Uint8Array => {
              const b = new Uint8Array(length);
              readExact(input.fd, b, length, offset, input.path);
              return b;
            };
      gatherChunks(read, d.base, d.layout, { shape: d.shape, strides: d.strides, elSize: d.elSize }, COPY_CHUNK, emit);
      return;
    }
    case 'inflate':
      await inflateMember(input.path, d.dataOffset, d.compressedSize, d.skip, d.length, t.name, emit);
      return;
  }
}

/** Streams a deflated member, dropping `skip` bytes, emitting exactly `length`; more or fewer is an error. */
async function inflateMember(
  path: string,
  offset: number,
  size: number,
  skip: number,
  length: number,
  name: string,
  emit: (c: Uint8Array) => void,
): Promise<void> {
  let seen = 0;
  let pending = new Uint8Array(0);
  const el = 16;
  const stream = createReadStream(path, { start: offset, end: offset + size - 1, highWaterMark: 4 * 1024 * 1024 }).pipe(createInflateRaw());
  for await (const piece of stream as AsyncIterable<Buffer>) {
    let chunk: Uint8Array = piece;
    const before = seen;
    seen += chunk.length;
    if (seen > skip + length)
      throw new ConvertError('E_CONVERT_STORAGE_BOUNDS', `tensor '${name}': the member inflates past its declared ${skip + length} bytes`, { tensor: name });
    if (before < skip) chunk = chunk.subarray(Math.min(chunk.length, skip - before));
    if (chunk.length === 0) continue;
    // Keep chunks whole elements for casting: carry a remainder of up to 15 bytes.
    const joined = pending.length === 0 ? chunk : concat(pending, chunk);
    const whole = joined.length - (joined.length % el);
    if (whole > 0) emit(joined.subarray(0, whole));
    pending = joined.slice(whole);
  }
  if (pending.length > 0) emit(pending);
  if (seen !== skip + length)
    throw new ConvertError('E_CONVERT_STORAGE_BOUNDS', `tensor '${name}': the member inflates to ${seen} bytes, its header declares ${skip + length}`, {
      tensor: name,
    });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function headerPlan(plan: OutputPlan): SafetensorsPlan {
  return planSafetensors(plan.tensors, plan.metadata);
}

/** Writes header and tensors into `out` (not committed). Returns the file size. */
export async function writeTensors(input: InputFile, plan: OutputPlan, st: SafetensorsPlan, out: AtomicFile): Promise<number> {
  out.write(st.header, 0);
  const byName = new Map(plan.tensors.map((t) => [t.name, t]));
  const buf = new Uint8Array(COPY_CHUNK);
  for (const p of st.tensors) {
    const t = byName.get(p.name) as OutputTensor;
    const d = t.source.data;
    let at = st.dataStart + p.begin;
    if (d.kind === 'file' && d.layout.contiguous && t.cast === undefined && input.source === undefined) {
      copyRange(input.fd, d.base, out, at, p.byteLength, buf, input.path);
      continue;
    }
    await produce(input, t, (chunk) => {
      out.write(chunk, at);
      at += chunk.length;
    });
    if (at !== st.dataStart + p.end) {
      throw new ConvertError('E_CONVERT_STORAGE_BOUNDS', `tensor '${p.name}': produced ${at - st.dataStart - p.begin} bytes, expected ${p.byteLength}`, {
        tensor: p.name,
      });
    }
  }
  return st.size;
}

export interface VerifyResult {
  tensors: number;
  bytes: number;
}

/** Re-reads `outputPath` strictly and compares header and every byte with the input. */
export async function verifyOutput(input: InputFile, plan: OutputPlan, outputPath: string): Promise<VerifyResult> {
  const src = new FileSource(outputPath);
  try {
    let file;
    try {
      file = readSafetensorsStrict(src);
    } catch (e) {
      throw new ConvertError('E_CONVERT_VERIFY', `the output does not read back: ${(e as Error).message}`, { cause: e });
    }
    const want = new Map(plan.tensors.map((t) => [t.name, t]));
    if (file.tensors.length !== want.size)
      throw new ConvertError('E_CONVERT_VERIFY', `the output has ${file.tensors.length} tensors, ${want.size} were written`);
    if (JSON.stringify(sorted(file.metadata ?? {})) !== JSON.stringify(sorted(plan.metadata))) {
      throw new ConvertError('E_CONVERT_VERIFY', 'the output metadata differs from what was written');
    }
    let bytes = 0;
    for (const e of file.tensors) {
      const t = want.get(e.name);
      if (t === undefined || t.dtype !== e.dtype || t.shape.join(',') !== e.shape.join(',')) {
        throw new ConvertError('E_CONVERT_VERIFY', `tensor '${e.name}' differs in name, dtype or shape`, { tensor: e.name });
      }
      let at = e.offset;
      await produce(input, t, (chunk) => {
        const got = src.read(at, chunk.length);
        if (!Buffer.from(got.buffer, got.byteOffset, got.length).equals(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length))) {
          throw new ConvertError('E_CONVERT_VERIFY', `tensor '${e.name}' differs from the input near output offset ${at}`, { tensor: e.name });
        }
        at += chunk.length;
      });
      if (at !== e.offset + e.byteLength) throw new ConvertError('E_CONVERT_VERIFY', `tensor '${e.name}' has a different length`, { tensor: e.name });
      bytes += e.byteLength;
    }
    return { tensors: file.tensors.length, bytes };
  } finally {
    src.close();
  }
}

function sorted(o: Record<string, string>): [string, string][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
