/**
 * llama.cpp importance matrices in the legacy `imatrix.dat` format (newer
 * llama.cpp writes GGUF): `int32 n_entries`, then per entry `int32 name
 * length, name, int32 ncall, int32 nval, nval floats`, then optionally
 * `int32 last_call, int32 length, dataset name`. No magic number: the
 * first entry's name must be a printable tensor name, and the entries
 * must account for the file exactly. `llama-quantize` reads the numbers.
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { expect, type Recogniser } from '../inert.js';

const MAX_ENTRIES = 1_000_000;
const MAX_NAME = 1024;

function i32(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24);
}

export const imatrix: Recogniser = {
  id: 'llama-imatrix',
  identify(p: Probe): boolean {
    const n = i32(p.head, 0);
    const len = i32(p.head, 4);
    if (n <= 0 || n > MAX_ENTRIES || len <= 0 || len > 256 || 8 + len + 8 > p.head.length) return false;
    // Tensor names as llama.cpp writes them: `blk.0.attn_k.weight`, `output.weight`.
    return /^[A-Za-z0-9_.-]+\.weight$/.test(new TextDecoder('latin1').decode(p.head.subarray(8, 8 + len)));
  },
  check(src: ByteSource): string {
    const c = new WindowCursor(src, 0, src.size, 256 * 1024);
    const n = c.i32('entry count');
    let values = 0;
    for (let i = 0; i < n; i++) {
      const at = c.pos;
      const len = c.i32('name length');
      expect(len > 0 && len <= MAX_NAME, `entry ${i} at offset ${at}: name of ${len} bytes`, at);
      const name = c.bytes(len, 'name');
      expect(
        name.every((b) => b > 0x20 && b < 0x7f),
        `entry ${i} at offset ${at}: name is not printable`,
        at,
      );
      const calls = c.i32('ncall');
      const nval = c.i32('nval');
      expect(calls >= 0 && nval > 0, `entry ${i} at offset ${at}: ncall ${calls}, nval ${nval}`, at);
      c.skip(4 * nval, 'values');
      values += nval;
    }
    if (c.remaining > 0) {
      c.skip(4, 'last_call');
      const len = c.i32('dataset name length');
      expect(len >= 0 && len === c.remaining, `${c.remaining} bytes after the entries are not a dataset name of ${len} bytes`, c.pos);
      c.skip(len, 'dataset name');
    }
    return `llama.cpp importance matrix: ${n} entries, ${values} values, accounting for the file`;
  },
};
