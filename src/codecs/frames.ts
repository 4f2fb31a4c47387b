/**
 * The frame walk the LZ4 frame format and Zstandard share: frames one after
 * another, skippable frames (magic 0x184D2A50-0x184D2A5F and a 32-bit size;
 * LZ4 frame format §"Skippable frames", RFC 8878 §3.1.2) passed over, and
 * bytes after a complete frame that start no frame left to the driver as
 * trailing data, as Python's readers stop there.
 */
import { ByteReader } from '../bytes/reader.js';
import { ModelguardError } from '../errors.js';
import type { DecodeState } from './codec.js';
import type { BoundedOutput } from './output.js';

export const SKIPPABLE_MASK = 0xfffffff0;
export const SKIPPABLE_MAGIC = 0x184d2a50;

export interface FrameFormat {
  /** Prefix of messages and of the magic's read label (`lz4`, `zstd`). */
  readonly name: string;
  /** Magic number of a data frame. */
  readonly magic: number;
  /** Decodes one data frame; `r` is just past its magic. */
  frame(r: ByteReader, out: BoundedOutput, state: DecodeState): void;
}

/** Decodes every frame of `input` into `out`, counting complete frames in `state`. */
export function decodeFrames(format: FrameFormat, input: Uint8Array, out: BoundedOutput, state: DecodeState): void {
  const r = new ByteReader(input);
  while (r.remaining > 0) {
    const at = r.offset;
    const magic = r.remaining < 4 ? undefined : r.u32le(`${format.name} magic`);
    if (magic !== undefined && (magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      r.skip(r.u32le('skippable frame size'), 'skippable frame');
    } else if (magic === format.magic) {
      format.frame(r, out, state);
      state.streams++;
    } else {
      if (state.streams > 0) return;
      throw new ModelguardError('E_MALFORMED', `${format.name}: no frame magic`, { offset: at });
    }
    state.consumed = r.pos;
  }
}
