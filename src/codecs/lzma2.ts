/**
 * LZMA2 chunks (the xz filter 0x21): uncompressed chunks and LZMA chunks,
 * each LZMA chunk with its own range coder over exactly its packed size,
 * and resets of the dictionary, the state or the properties as the
 * control byte says. The first chunk must reset the dictionary.
 */
import { byteAt, u16beAt } from '../bytes/at.js';
import { ModelguardError } from '../errors.js';
import { LzmaDecoder, RangeDecoder, lzmaProps } from './lzma.js';
import type { BoundedOutput } from './output.js';

function corrupt(message: string, offset: number): never {
  throw new ModelguardError('E_MALFORMED', `lzma2: ${message}`, { offset });
}

function need(input: Uint8Array, pos: number, n: number, end: number): void {
  if (pos + n > end) throw new ModelguardError('E_TRUNCATED', `lzma2: chunk header runs past the data at ${pos}`, { offset: pos });
  if (pos + n > input.length) throw new ModelguardError('E_TRUNCATED', `lzma2: data ends at ${input.length}`, { offset: pos });
}

/** Decodes LZMA2 data at `input[pos..end)`; returns the offset after the end chunk. */
export function decodeLzma2(input: Uint8Array, pos: number, end: number, dictSize: number, out: BoundedOutput): number {
  let dec: LzmaDecoder | undefined;
  let needDictReset = true;
  let needProps = true;
  let dictStart = out.length;
  for (;;) {
    need(input, pos, 1, end);
    const control = byteAt(input, pos);
    const at = pos;
    pos++;
    if (control === 0x00) return pos;
    if (control === 0x01 || control === 0x02) {
      if (control === 0x02 && needDictReset) corrupt('first chunk does not reset the dictionary', at);
      need(input, pos, 2, end);
      const size = u16beAt(input, pos) + 1;
      pos += 2;
      need(input, pos, size, end);
      if (control === 0x01) {
        // liblzma: a dictionary reset here also requires new properties before the next LZMA chunk.
        needDictReset = false;
        needProps = true;
        dictStart = out.length;
        if (dec !== undefined) dec.dictStart = dictStart;
      }
      out.append(input.subarray(pos, pos + size));
      pos += size;
      continue;
    }
    if (control < 0x80) corrupt(`invalid control byte 0x${control.toString(16)}`, at);
    need(input, pos, 4, end);
    const unpacked = ((control & 0x1f) << 16) + u16beAt(input, pos) + 1;
    const packed = u16beAt(input, pos + 2) + 1;
    pos += 4;
    const reset = (control >>> 5) & 3;
    if (reset === 3) {
      needDictReset = false;
      dictStart = out.length;
    } else if (needDictReset) corrupt('first chunk does not reset the dictionary', at);
    if (reset >= 2) {
      need(input, pos, 1, end);
      const props = lzmaProps(byteAt(input, pos), pos);
      if (props.lc + props.lp > 4) corrupt('lc + lp above 4', pos);
      pos++;
      needProps = false;
      if (dec === undefined) dec = new LzmaDecoder(props, dictSize, dictStart);
      else dec.reset(props);
    } else if (needProps || dec === undefined) corrupt('LZMA chunk without properties', at);
    else if (reset === 1) dec.reset(dec.props);
    dec.dictStart = dictStart;
    need(input, pos, packed, end);
    const rc = new RangeDecoder(input, pos, pos + packed);
    dec.decode(rc, out, unpacked, false);
    if (rc.pos !== pos + packed || !rc.finishedOk) corrupt('LZMA chunk does not end at its packed size', pos);
    pos += packed;
  }
}
