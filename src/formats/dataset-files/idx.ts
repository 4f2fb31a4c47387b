/**
 * IDX files (MNIST, Fashion-MNIST, EMNIST: `train-images-idx3-ubyte`):
 * two zero bytes, a type code (0x08 ubyte, 0x09 byte, 0x0B short, 0x0C
 * int, 0x0D float, 0x0E double), the rank, the big-endian dimensions, then
 * the values. The header fixes the file's size exactly; torchvision and
 * `idx2numpy` read numbers and nothing else.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { Probe } from '../format.js';
import { expect, type Recogniser } from '../inert.js';

const ITEM_SIZE: Readonly<Record<number, number>> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };
/** Ranks IDX files use (MNIST's are 1 and 3). */
const MAX_RANK = 8;

function declared(b: Uint8Array): { rank: number; dims: number[]; size: number } | undefined {
  if (b[0] !== 0 || b[1] !== 0) return undefined;
  const item = ITEM_SIZE[b[2] ?? 0];
  const rank = b[3] ?? 0;
  if (item === undefined || rank < 1 || rank > MAX_RANK || b.length < 4 + 4 * rank) return undefined;
  const dims: number[] = [];
  let n = item;
  for (let i = 0; i < rank; i++) {
    const at = 4 + 4 * i;
    const d = (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
    if (d === 0) return undefined;
    dims.push(d);
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return { rank, dims, size: 4 + 4 * rank + n };
}

export const idx: Recogniser = {
  id: 'idx',
  first: [0],
  identify(p: Probe): boolean {
    const d = declared(p.head);
    return d !== undefined && d.size === p.size;
  },
  check(src: ByteSource): string {
    const d = declared(src.read(0, Math.min(src.size, 4 + 4 * MAX_RANK)));
    expect(d !== undefined && d.size === src.size, 'IDX header does not declare the file size', 0);
    return `IDX array ${d.dims.join('x')} whose header accounts for all ${src.size} bytes`;
  },
};
