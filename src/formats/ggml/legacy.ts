/**
 * Legacy ggml model files, before GGUF: `ggml` (unversioned), `ggmf` and
 * `ggjt` (versioned, tensor data aligned to 32 bytes), as whisper.cpp's
 * `convert-pt-to-ggml.py` and early llama.cpp wrote them. After the magic:
 * integer hyperparameters, (whisper) the mel filter bank, the vocabulary
 * (length-prefixed tokens, with a float score from ggmf on), then tensors
 * `n_dims, name length, type, dims, name, data` to the end of the file.
 * The hyperparameters differ by model, so the two known layouts are tried
 * and the file must tile exactly under one of them. Loaders copy these
 * numbers into tensors; nothing runs.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import { ModelguardError } from '../../errors.js';
import type { Probe } from '../format.js';
import { expect, type Recogniser } from '../inert.js';

const MAGICS: Record<number, string> = { 0x67676d6c: 'ggml', 0x67676d66: 'ggmf', 0x67676a74: 'ggjt' };
/** Vocabulary entries, tensors, dims (CWE-770). */
const MAX_VOCAB = 10_000_000;
const MAX_TENSORS = 1_000_000;
const MAX_NAME = 4096;

/** [elements per block, bytes per block] of ggml types; quantized blocks before the May 2023 format change in LEGACY_BLOCKS. */
const BLOCKS: Record<number, [number, number]> = {
  0: [1, 4],
  1: [1, 2],
  2: [32, 18],
  3: [32, 20],
  6: [32, 22],
  7: [32, 24],
  8: [32, 34],
  9: [32, 40],
  10: [256, 84],
  11: [256, 110],
  12: [256, 144],
  13: [256, 176],
  14: [256, 210],
  15: [256, 292],
  16: [256, 66],
  17: [256, 74],
  18: [256, 98],
  24: [1, 1],
  25: [1, 2],
  26: [1, 4],
  27: [1, 8],
  28: [1, 8],
  30: [1, 2],
};
const LEGACY_BLOCKS: Record<number, [number, number]> = { ...BLOCKS, 2: [32, 20], 3: [32, 24], 8: [32, 36], 9: [32, 40] };

interface Layout {
  name: string;
  hparams: number;
  mel: boolean;
}
const LAYOUTS: readonly Layout[] = [
  { name: 'whisper.cpp', hparams: 11, mel: true },
  { name: 'llama.cpp', hparams: 7, mel: false },
];

function walk(src: ByteSource, start: number, layout: Layout, scores: boolean, aligned: boolean, blocks: Record<number, [number, number]>): number {
  const c = new WindowCursor(src, start, src.size, 256 * 1024);
  const h: number[] = [];
  for (let i = 0; i < layout.hparams; i++) h.push(c.i32('hyperparameter'));
  if (layout.mel) {
    const mels = c.i32('n_mel');
    const fft = c.i32('n_fft');
    expect(mels > 0 && fft > 0 && mels * fft * 4 <= c.remaining, `mel filters ${mels}x${fft}`, c.pos);
    c.skip(mels * fft * 4, 'mel filters');
  }
  const vocab = c.i32('vocabulary size');
  expect(vocab >= 0 && vocab <= MAX_VOCAB, `vocabulary of ${vocab}`, c.pos);
  for (let i = 0; i < vocab; i++) {
    const n = c.u32('token length');
    expect(n <= MAX_NAME, `token ${i} of ${n} bytes`, c.pos);
    c.skip(n + (scores ? 4 : 0), 'token');
  }
  let tensors = 0;
  while (c.remaining > 0) {
    expect(++tensors <= MAX_TENSORS, `more than ${MAX_TENSORS} tensors`, c.pos);
    const at = c.pos;
    const dims = c.i32('n_dims');
    const nameLen = c.i32('name length');
    const type = c.i32('tensor type');
    const block = blocks[type];
    expect(dims >= 1 && dims <= 4 && nameLen > 0 && nameLen <= MAX_NAME && block !== undefined, `tensor header at offset ${at}`, at);
    let elements = 1;
    for (let d = 0; d < dims; d++) {
      const n = c.i32('dimension');
      expect(n > 0, `dimension ${n}`, at);
      elements *= n;
    }
    const name = c.bytes(nameLen, 'tensor name');
    expect(
      name.every((b) => b >= 0x20 && b < 0x7f),
      `tensor name at offset ${at} is not printable`,
      at,
    );
    if (aligned) c.skip((32 - (c.pos % 32)) % 32, 'alignment');
    expect(elements % block[0] === 0, `${elements} elements are not whole blocks of type ${type}`, at);
    c.skip((elements / block[0]) * block[1], 'tensor data');
  }
  return tensors;
}

export const ggmlLegacy: Recogniser = {
  id: 'ggml',
  first: 'lft',
  identify(p: Probe): boolean {
    const m = ((p.head[0] ?? 0) | ((p.head[1] ?? 0) << 8) | ((p.head[2] ?? 0) << 16) | ((p.head[3] ?? 0) << 24)) >>> 0;
    return MAGICS[m] !== undefined && p.size >= 32;
  },
  check(src: ByteSource): string {
    const head = src.read(0, 8);
    const magic = MAGICS[((head[0] ?? 0) | ((head[1] ?? 0) << 8) | ((head[2] ?? 0) << 16) | ((head[3] ?? 0) << 24)) >>> 0] ?? 'ggml';
    const versioned = magic !== 'ggml';
    const version = versioned ? (head[4] ?? 0) : 0;
    let first: unknown;
    for (const layout of LAYOUTS) {
      for (const blocks of [BLOCKS, LEGACY_BLOCKS]) {
        try {
          const n = walk(src, versioned ? 8 : 4, layout, versioned, magic === 'ggjt', blocks);
          return `legacy ${magic}${versioned ? ` v${version}` : ''} model (${layout.name} layout): ${n} tensors tile the file`;
        } catch (e) {
          if (!(e instanceof ModelguardError) || e.code === 'E_LIMIT') throw e;
          first ??= e;
        }
      }
    }
    throw first instanceof ModelguardError ? first : new ModelguardError('E_MALFORMED', `no known ${magic} layout fits the file`);
  },
};
