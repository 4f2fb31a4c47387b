/**
 * Raw zlib streams (RFC 1950): what `joblib.dump(compress=3)` (and any
 * `compress=N` or `('zlib', N)`) writes, which `joblib.load` recognises by
 * its first byte 0x78 and reads stream after stream. Joblib before 0.10
 * wrote `ZF` + a 19-character hex length + zlib data; that is read too.
 */
import { latin1Decode } from '../bytes/text.js';
import { ModelguardError } from '../errors.js';
import type { Codec, DecodeState } from './codec.js';
import { inflateStream } from './deflate.js';
import type { BoundedOutput } from './output.js';
import { constants, inflateSync } from 'node:zlib';

/** `ZF` + `{:#x}` of 2**64 padded to 19 characters (joblib numpy_pickle_compat). */
const ZF_HEADER = 2 + 19;

/** Whether two bytes are a zlib header: deflate, window <= 32 KiB, FCHECK valid, no preset dictionary. */
function zlibHeader(b0: number | undefined, b1: number | undefined): boolean {
  if (b0 === undefined || b1 === undefined) return false;
  return (b0 & 0x0f) === 8 && b0 >> 4 <= 7 && ((b0 << 8) | b1) % 31 === 0 && (b1 & 0x20) === 0;
}

/** What `int(s, 16)` accepts (Objects/longobject.c `PyLong_FromString`, base 16). */
const ZF_LENGTH = /^[\t-\r ]*[+-]?(?:0[xX]_?)?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*[\t-\r ]*$/;

function legacyOffset(head: Uint8Array): number | undefined {
  if (head.length < ZF_HEADER + 2 || head[0] !== 0x5a || head[1] !== 0x46) return undefined;
  // joblib reads the length with int(field, 16), which also takes it without `0x`, signed, with
  // underscores between digits and ASCII whitespace (tab to CR, space) around: checked with CPython 3.11.
  if (!ZF_LENGTH.test(latin1Decode(head.subarray(2, ZF_HEADER)))) return undefined;
  return head[ZF_HEADER] === 0x20 ? ZF_HEADER + 1 : ZF_HEADER;
}

/** Decodes the head with SYNC_FLUSH: real zlib data yields bytes without an error. */
function inflatesCleanly(head: Uint8Array): boolean {
  try {
    return inflateSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1 << 16 }).length > 0;
  } catch (e) {
    return e instanceof RangeError; // more than 64 KiB from 4 KiB: certainly zlib
  }
}

function decodeZlib(input: Uint8Array, out: BoundedOutput, state: DecodeState): void {
  let pos = legacyOffset(input.subarray(0, ZF_HEADER + 2)) ?? 0;
  while (pos < input.length) {
    if (state.streams > 0 && !zlibHeader(input[pos], input[pos + 1])) return;
    if (!zlibHeader(input[pos], input[pos + 1])) throw new ModelguardError('E_MALFORMED', 'not a zlib stream', { offset: pos });
    pos += inflateStream(input.subarray(pos), 'zlib', out, pos, `zlib stream at ${pos}`);
    state.streams++;
    state.consumed = pos;
  }
}

export const ZLIB_CODEC: Codec = {
  id: 'zlib',
  title: 'zlib',
  suffixes: [
    ['.z', ''],
    ['.zlib', ''],
  ],
  decode: decodeZlib,
  sniff,
};

/** Whether `head` starts a stream of this codec (magic and a plausible header). */
function sniff(head: Uint8Array): boolean {
  const at = legacyOffset(head) ?? 0;
  return zlibHeader(head[at], head[at + 1]) && inflatesCleanly(head.subarray(at));
}
