/**
 * Is this a pickle? Decides from the first bytes without trusting the name.
 *
 * Protocol 2+ pickles start with PROTO, a version byte and an opcode.
 * Protocol 0/1 pickles have no magic: the head is walked as `pickle.load`
 * would walk it (`load-outcome.ts`) and claimed when the load acts,
 * completes a pickle, or goes on long enough that a text file is ruled
 * out. A false negative is not a hole: binary that no format claims is
 * `unscannable`, and text is judged again by `textAsPickle` over the whole
 * file before it is called text.
 */
import { BufferSource, type ByteSource } from '../../bytes/source.js';
import { OPCODES, Op } from './opcodes.js';
import { PickleReader } from './reader.js';
import { ModelguardError } from '../../errors.js';
import { pickleLoadOutcome, type LoadOutcome } from './load-outcome.js';

/**
 * Opcodes a real pickle can start with. Not PERSID/BINPERSID ('P', 'Q', as in
 * a zip's 'PK'), STOP, or opcodes that need something on the stack first.
 */
const FIRST_OPCODES: ReadonlySet<number> = new Set<number>([
  Op.PROTO,
  Op.MARK,
  Op.EMPTY_LIST,
  Op.EMPTY_DICT,
  Op.EMPTY_TUPLE,
  Op.EMPTY_SET,
  Op.GLOBAL,
  Op.NONE,
  Op.INT,
  Op.BININT,
  Op.BININT1,
  Op.BININT2,
  Op.LONG,
  Op.LONG1,
  Op.LONG4,
  Op.FLOAT,
  Op.BINFLOAT,
  Op.STRING,
  Op.BINSTRING,
  Op.SHORT_BINSTRING,
  Op.UNICODE,
  Op.BINUNICODE,
  Op.SHORT_BINUNICODE,
  Op.BINUNICODE8,
  Op.BINBYTES,
  Op.SHORT_BINBYTES,
  Op.BINBYTES8,
  Op.BYTEARRAY8,
  Op.NEWTRUE,
  Op.NEWFALSE,
  Op.FRAME,
  Op.GET,
  Op.BINGET,
  Op.LONG_BINGET,
  Op.EXT1,
  Op.EXT2,
  Op.EXT4,
  Op.NEXT_BUFFER,
]);

/** Opcodes decoded from the head before a protocol 0/1 stream that neither acts nor stops is believed. */
const MIN_OPS = 12;

/**
 * Whether `head` (the first bytes of an input) is a pickle. Protocol 2+:
 * PROTO with a known version followed by an opcode (`80 01 00`, the length
 * of a 384-byte safetensors header, fails at its third byte). Protocol 0/1:
 * what `pickle.load` would do with the head (see `load-outcome.ts`): it
 * acts, completes a pickle, or decodes for long enough to rule text out.
 */
export function looksLikePickle(head: Uint8Array): boolean {
  const b0 = head[0];
  if (b0 === undefined || !FIRST_OPCODES.has(b0)) return false;
  if (b0 === Op.PROTO) {
    const v = head[1];
    if (v === undefined || v > 5) return false;
    const b2 = head[2];
    return b2 === undefined || OPCODES[b2] !== undefined;
  }
  const o = pickleLoadOutcome(new BufferSource(head), 0, head.length);
  switch (o.end) {
    case 'acts':
      return true;
    case 'stop':
      return o.ops >= 2;
    case 'cut':
      return o.ops >= MIN_OPS && o.structural >= 3;
    case 'broken':
      return false;
  }
}

/**
 * Whether the first two opcodes decode: text that starts like a pickle
 * (a truncated protocol-0 stream, say) must not be taken for plain text.
 */
export function startsLikePickle(head: Uint8Array): boolean {
  const b0 = head[0];
  if (b0 === undefined || !FIRST_OPCODES.has(b0)) return false;
  const reader = new PickleReader(new BufferSource(head), 0, head.length, 1 << 20);
  try {
    reader.next();
    if (reader.atEnd) return true;
    reader.next();
    return true;
  } catch (e) {
    // Ran out of bytes inside the first opcodes: still pickle-like.
    return e instanceof ModelguardError && e.code === 'E_TRUNCATED';
  }
}

/** What text is when loaded as a pickle; see `textAsPickle`. */
export interface TextAsPickle {
  /**
   * - `acts`: an import the denylist names, a call, or anything after an
   *   import is reached before the stream breaks (a protocol-0 payload, even
   *   behind pages of harmless opcodes);
   * - `fragment`: a complete pickle of plain data, or a cut one of two or
   *   more opcodes such as `(dp0\n`: nothing runs, but it is a pickle, not prose;
   * - `text`: `pickle.load` fails before anything acts: "The MIT License"
   *   (a BINSTRING of 1.3 GB), DeepSpeed's `latest` ("global_step100", a GET
   *   with no number), an accelerate config ("compute_environment: ...", a
   *   GLOBAL of a module no file can be named), `labels.txt` ("cat\ndog\nbird",
   *   an import of `at` and then a BUILD on a one-item stack);
   * - undefined: only a head was given and it ran out first.
   */
  kind: 'acts' | 'fragment' | 'text' | undefined;
  outcome: LoadOutcome;
}

/**
 * What `bytes` (a whole file when `complete`, else its head) is when loaded
 * as a pickle. Decoding goes on past STOP, as a stream of pickles is read.
 */
export function textAsPickle(src: ByteSource, complete: boolean): TextAsPickle {
  const o = pickleLoadOutcome(src, 0, src.size);
  switch (o.end) {
    case 'acts':
      return { kind: 'acts', outcome: o };
    case 'stop':
      return { kind: o.ops >= 2 ? 'fragment' : 'text', outcome: o };
    case 'cut':
      if (!complete) return { kind: undefined, outcome: o };
      return { kind: o.ops >= 2 ? 'fragment' : 'text', outcome: o };
    case 'broken':
      return { kind: 'text', outcome: o };
  }
}
