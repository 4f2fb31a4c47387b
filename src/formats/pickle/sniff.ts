/**
 * Is this a pickle? Decides from the first bytes without trusting the name.
 *
 * Protocol 2+ pickles start with PROTO and a version byte. Protocol 0/1
 * pickles have no magic: we decode opcodes from the head and claim the
 * input only if they decode cleanly up to a STOP, or for long enough that a
 * text file is ruled out. A false negative is not a hole: unrecognised
 * input is `unscannable`, never `clean`.
 */
import { BufferSource } from '../../bytes/source.js';
import { Op } from './opcodes.js';
import { PickleReader, type GlobalArg } from './reader.js';
import { ModelguardError } from '../../errors.js';

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

/** Opcodes decoded from the head before a protocol 0/1 stream is believed. */
const MIN_OPS = 12;

export function looksLikePickle(head: Uint8Array): boolean {
  const b0 = head[0];
  if (b0 === undefined || !FIRST_OPCODES.has(b0)) return false;
  if (b0 === Op.PROTO) {
    const v = head[1];
    if (v === undefined || v > 5) return false;
    // Protocols 4/5 follow with FRAME; 2/3 with any opcode.
    return head.length < 3 || head[2] !== undefined;
  }
  const reader = new PickleReader(new BufferSource(head), 0, head.length, 1 << 20);
  let ops = 0;
  let structural = 0;
  let imports = 0;
  try {
    while (!reader.atEnd) {
      const op = reader.next();
      ops++;
      switch (op.code) {
        case Op.STOP:
          return ops >= 2;
        case Op.GLOBAL:
        case Op.INST: {
          const g = op.arg as GlobalArg;
          if (!DOTTED.test(g.module) || !DOTTED.test(g.name)) return false;
          imports++;
          structural++;
          break;
        }
        case Op.MARK:
        case Op.TUPLE:
        case Op.LIST:
        case Op.DICT:
        case Op.REDUCE:
        case Op.BUILD:
        case Op.SETITEM:
        case Op.APPEND:
        case Op.OBJ:
        case Op.PUT:
        case Op.BINPUT:
        case Op.EMPTY_DICT:
        case Op.EMPTY_LIST:
        case Op.EMPTY_TUPLE:
          structural++;
          break;
        default:
          break;
      }
      // An import followed by more valid opcodes is a pickle (even one broken later).
      if (imports > 0 && ops >= 3) return true;
      if (ops >= MIN_OPS && structural >= 3) return true;
    }
  } catch (e) {
    // Running out of head bytes mid-opcode is fine; an invalid opcode or bad text is not.
    return e instanceof ModelguardError && e.code === 'E_TRUNCATED' && ops >= MIN_OPS && structural >= 3;
  }
  return false;
}

/** A module or qualified name as picklers write them. */
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_<>][A-Za-z0-9_<>]*)*$/;

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

/** Opcodes through which a pickle imports or calls: the only ways a load runs code. */
const ACTING: ReadonlySet<number> = new Set<number>([
  Op.GLOBAL,
  Op.INST,
  Op.STACK_GLOBAL,
  Op.REDUCE,
  Op.BUILD,
  Op.OBJ,
  Op.NEWOBJ,
  Op.NEWOBJ_EX,
  Op.EXT1,
  Op.EXT2,
  Op.EXT4,
  Op.PERSID,
  Op.BINPERSID,
]);

/**
 * What text is when loaded as a pickle:
 * - `acts`: an opcode that imports or calls is reached before the stream
 *   breaks (a protocol-0 payload, even one behind pages of harmless opcodes);
 * - `fragment`: two or more valid opcodes and no import or call (a cut
 *   pickle such as `(dp0\n`): nothing can run, but it is a pickle, not prose;
 * - `text`: it breaks at once. pickle.load raises at the first invalid or
 *   truncated opcode, so "The MIT License" (a BINSTRING of 1.3 GB) or
 *   DeepSpeed's `latest` file, "global_step100" (a GET with no number),
 *   cannot run anything;
 * - undefined: `bytes` is only the head of the file and ran out first.
 * Decoding goes on past STOP, as a stream of pickles would be read.
 */
export function textAsPickle(bytes: Uint8Array, complete: boolean): 'acts' | 'fragment' | 'text' | undefined {
  const b0 = bytes[0];
  if (b0 === undefined || !FIRST_OPCODES.has(b0)) return 'text';
  const reader = new PickleReader(new BufferSource(bytes), 0, bytes.length, 1 << 20);
  let ops = 0;
  try {
    while (!reader.atEnd) {
      if (ACTING.has(reader.next().code)) return 'acts';
      ops++;
    }
    if (!complete) return undefined;
  } catch (e) {
    if (e instanceof ModelguardError && e.code === 'E_TRUNCATED' && !complete) return undefined;
  }
  return ops >= 2 ? 'fragment' : 'text';
}
