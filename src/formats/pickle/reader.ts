/**
 * The pickle opcode reader: a bounds-checked, windowed cursor over a byte
 * source that decodes one opcode and its argument at a time.
 *
 * Memory stays bounded whatever the stream size: the reader holds one
 * window of the source, and string/bytes arguments longer than
 * `maxConstantBytes` are not read at all (only their offset, length and, for
 * strings, a prefix). No list of opcodes is kept.
 */
import { BufferSource, type ByteSource } from '../../bytes/source.js';
import { latin1Decode } from '../../bytes/text.js';
import { ModelguardError } from '../../errors.js';
import { OPCODES, type OpInfo } from './opcodes.js';
import { decodeRawUnicodeEscape, decodeStringnl, parseDecimal, parseFloatText } from './text-args.js';
import { PyBigInt, PyBytes, PyFloat, PyStr, type PyValue } from './values.js';

/** Source bytes read per window refill. */
const WINDOW = 1 << 20;
/** Longest text line (GLOBAL module/name, PERSID, INT...) accepted; CPython has none, real ones are short. */
const MAX_LINE = 64 * 1024;
/** Kept prefix of strings over the constant limit. */
const PREFIX_CHARS = 256;

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** GLOBAL/INST argument: two text lines, decoded as CPython does (strict UTF-8). */
export interface GlobalArg {
  module: string;
  name: string;
  /** False when a line is not valid UTF-8 (CPython's load fails there). */
  validUtf8: boolean;
}

export type OpArg = undefined | number | bigint | PyValue | GlobalArg;

export interface PickleOp {
  code: number;
  info: OpInfo;
  /** Absolute offset of the opcode byte in the source. */
  pos: number;
  arg: OpArg;
}

export class PickleReader {
  private readonly src: ByteSource;
  private readonly end: number;
  private readonly maxConst: number;
  private buf: Uint8Array;
  /** Absolute offset of buf[0]. */
  private bufStart: number;
  /** Cursor index into buf. */
  private p = 0;
  /** The op returned by `next`, reused: callers consume it before the next call. */
  private readonly op: PickleOp = { code: 0, info: undefined as unknown as OpInfo, pos: 0, arg: undefined };

  /**
   * Whether a last text line may end at `end` without a newline (see
   * `line`): on for the analysis of a whole stream; off (the C unpickler's
   * "truncated") for sniffing heads, walking outcomes and converting.
   */
  private readonly lastLineAtEnd: boolean;

  constructor(src: ByteSource, start: number, end: number, maxConstantBytes: number, lastLineAtEnd = false) {
    this.lastLineAtEnd = lastLineAtEnd;
    if (!(start >= 0 && start <= end && end <= src.size)) {
      throw new ModelguardError('E_USAGE', `pickle range ${start}..${end} outside source of ${src.size} bytes`);
    }
    this.src = src;
    this.end = end;
    this.maxConst = maxConstantBytes;
    if (src instanceof BufferSource) {
      this.buf = src.bytes.subarray(0, end);
      this.bufStart = 0;
      this.p = start;
    } else {
      this.buf = new Uint8Array(0);
      this.bufStart = start;
    }
  }

  /** Absolute offset of the next byte. */
  get pos(): number {
    return this.bufStart + this.p;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Makes `n` bytes available at the cursor, refilling the window if needed. */
  private ensure(n: number, what: string): void {
    if (this.p + n <= this.buf.length) return;
    const at = this.pos;
    if (n > this.end - at) {
      throw new ModelguardError('E_TRUNCATED', `${what}: needs ${n} bytes at offset ${at}, only ${this.end - at} left`, {
        offset: at,
      });
    }
    const len = Math.min(Math.max(n, WINDOW), this.end - at);
    this.buf = this.src.read(at, len);
    this.bufStart = at;
    this.p = 0;
  }

  /** Advances past `n` bytes without reading them (tensor data, joblib arrays). */
  skip(n: number, what = 'data'): void {
    const at = this.pos;
    if (!Number.isSafeInteger(n) || n < 0 || n > this.end - at) {
      throw new ModelguardError('E_TRUNCATED', `${what}: ${n} bytes at offset ${at} run past the end`, { offset: at });
    }
    if (this.p + n <= this.buf.length) {
      this.p += n;
    } else if (this.src instanceof BufferSource) {
      this.p += n;
    } else {
      this.buf = new Uint8Array(0);
      this.bufStart = at + n;
      this.p = 0;
    }
  }

  /** Reads `n` raw bytes at the cursor (n must be small: it is copied into the window). */
  take(n: number, what: string): Uint8Array {
    this.ensure(n, what);
    const out = this.buf.subarray(this.p, this.p + n);
    this.p += n;
    return out;
  }

  private u8(what: string): number {
    this.ensure(1, what);
    return this.buf[this.p++] as number;
  }

  private uint(n: 2 | 4, what: string): number {
    this.ensure(n, what);
    const b = this.buf;
    const p = this.p;
    this.p += n;
    if (n === 2) return (b[p] as number) | ((b[p + 1] as number) << 8);
    return ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) + (b[p + 3] as number) * 2 ** 24;
  }

  private int4(what: string): number {
    const u = this.uint(4, what);
    return u >= 2 ** 31 ? u - 2 ** 32 : u;
  }

  private uint8(what: string): number {
    const lo = this.uint(4, what);
    const hi = this.uint(4, what);
    if (hi >= 2 ** 21) {
      throw new ModelguardError('E_LIMIT', `${what}: 64-bit length ${hi}*2^32+${lo} exceeds 2^53`, {
        offset: this.pos - 8,
      });
    }
    return hi * 2 ** 32 + lo;
  }

  /** Whether the last `line` ended at the end of the stream instead of a newline. */
  private unterminated = false;

  /**
   * One text line without its newline. A last line that reaches the end of
   * the stream without a newline is accepted as CPython's pure-Python
   * `_Unpickler.readline` returns it (the C unpickler calls it truncated;
   * either way no STOP follows and the next opcode read reports the
   * truncation). Most opcodes then drop its last byte, as `readline()[:-1]`
   * does; INT (`int(readline())`) keeps it (`keepLast`). A GLOBAL there is
   * still imported by the pure-Python unpickler, so it is still reported.
   */
  private line(what: string, keepLast = false): Uint8Array {
    const start = this.pos;
    this.unterminated = false;
    // Search the window first, refilling while the newline is not found.
    for (;;) {
      const nl = this.buf.indexOf(0x0a, this.p);
      if (nl >= 0) {
        const out = this.buf.subarray(this.p, nl);
        if (out.length > MAX_LINE) break;
        this.p = nl + 1;
        return out;
      }
      const have = this.buf.length - this.p;
      if (have > MAX_LINE) break;
      if (this.bufStart + this.buf.length >= this.end) return this.lastLine(what, start, keepLast);
      // Refill from the cursor with a window large enough to hold a maximal line.
      const len = Math.min(MAX_LINE + 1, this.end - this.pos);
      if (have >= len) return this.lastLine(what, start, keepLast);
      this.buf = this.src.read(this.pos, len);
      this.bufStart = this.pos;
      this.p = 0;
    }
    throw new ModelguardError('E_LIMIT', `${what}: text line longer than ${MAX_LINE} bytes`, { offset: start });
  }

  /** The rest of the window as an unterminated last line (see `line`). */
  private lastLine(what: string, start: number, keepLast: boolean): Uint8Array {
    if (!this.lastLineAtEnd) throw new ModelguardError('E_TRUNCATED', `${what}: no newline before the end of the stream`, { offset: start });
    const rest = this.buf.subarray(this.p, Math.min(this.buf.length, this.end - this.bufStart));
    this.p += rest.length;
    this.unterminated = true;
    return keepLast || rest.length === 0 ? rest : rest.subarray(0, rest.length - 1);
  }

  /** A length-prefixed string/bytes argument: kept if small, otherwise skipped. */
  private blob(n: number, kind: 'str' | 'str8' | 'bytes' | 'bytearray', what: string): PyValue {
    const at = this.pos;
    if (n > this.end - at) {
      throw new ModelguardError('E_TRUNCATED', `${what}: length ${n} at offset ${at} runs past the end`, { offset: at });
    }
    if (n > this.maxConst) {
      if (kind === 'bytes' || kind === 'bytearray') {
        this.skip(n, what);
        return new PyBytes(kind, n, at, undefined);
      }
      const prefix = this.take(Math.min(PREFIX_CHARS, n), what);
      this.skip(n - prefix.length, what);
      return new PyStr(kind === 'str' ? utf8.decode(prefix) : latin1Decode(prefix), n);
    }
    if (kind === 'str' && n <= 64) {
      // Short strings (names, keys) are nearly always ASCII: decoded in place, without a view of their bytes.
      this.ensure(n, what);
      const s = asciiAt(this.buf, this.p, n);
      if (s !== undefined) {
        this.p += n;
        return s;
      }
    }
    const raw = this.take(n, what);
    switch (kind) {
      case 'str':
        // CPython decodes with 'surrogatepass'; lone surrogates become U+FFFD here, which never names a module.
        return utf8.decode(raw);
      case 'str8':
        // Python 2 str: decoded with the unpickler's encoding (ASCII by default); Latin-1 keeps every byte.
        return latin1Decode(raw);
      case 'bytes':
      case 'bytearray':
        return new PyBytes(kind, n, at, raw.slice());
    }
  }

  private long(n: number, what: string): number | bigint | PyBigInt {
    if (n < 0) throw new ModelguardError('E_MALFORMED', `${what}: negative byte count`, { offset: this.pos });
    if (n > 4096) {
      this.skip(n, what);
      return new PyBigInt(n);
    }
    const raw = this.take(n, what);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i] as number);
    if (((raw[n - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private textLine(what: string): string {
    return latin1Decode(this.line(what));
  }

  private globalArg(what: string): GlobalArg {
    const m = this.line(`${what} module`);
    const mod = decodeMaybe(m);
    const n = this.line(`${what} name`);
    const name = decodeMaybe(n);
    return { module: mod.text, name: name.text, validUtf8: mod.ok && name.ok };
  }

  /**
   * Decodes the next opcode. Throws `E_TRUNCATED` at the end of data and
   * `E_MALFORMED` for a byte that is not an opcode. The returned object is
   * reused by the next call.
   */
  next(): PickleOp {
    const pos = this.pos;
    const code = this.u8('opcode');
    const info = OPCODES[code];
    if (info === undefined) {
      throw new ModelguardError('E_MALFORMED', `invalid pickle opcode 0x${code.toString(16).padStart(2, '0')} at offset ${pos}`, { offset: pos });
    }
    const what = info.name;
    let arg: OpArg;
    switch (info.arg) {
      case 'none':
        arg = undefined;
        break;
      case 'uint1':
        arg = this.u8(what);
        break;
      case 'uint2':
        arg = this.uint(2, what);
        break;
      case 'uint4':
        arg = this.uint(4, what);
        break;
      case 'int4':
        arg = this.int4(what);
        break;
      case 'uint8':
        arg = this.uint8(what);
        break;
      case 'long1':
        arg = this.long(this.u8(what), what);
        break;
      case 'long4':
        arg = this.long(this.int4(what), what);
        break;
      case 'decimalnl_short': {
        // INT reads `int(readline())`: an unterminated last line keeps its last digit (LONG drops it, as CPython).
        const raw = this.line(what, info.name === 'INT');
        // INT's "00\n"/"01\n" are the protocol 0 spellings of False/True.
        if (info.name === 'INT' && !this.unterminated && raw.length === 2 && raw[0] === 0x30 && (raw[1] === 0x30 || raw[1] === 0x31)) {
          arg = raw[1] === 0x31;
        } else {
          arg = parseDecimal(raw, pos, what);
        }
        break;
      }
      case 'decimalnl_long':
        arg = parseDecimal(this.line(what), pos, what);
        break;
      case 'floatnl':
        arg = new PyFloat(parseFloatText(this.line(what), pos));
        break;
      case 'float8': {
        const b = this.take(8, what);
        arg = new PyFloat(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false));
        break;
      }
      case 'stringnl':
        arg = latin1Decode(decodeStringnl(this.line(what), pos));
        break;
      case 'stringnl_noescape':
        arg = this.textLine(what);
        break;
      case 'stringnl_noescape_pair':
        arg = this.globalArg(what);
        break;
      case 'string1':
        arg = this.blob(this.u8(what), 'str8', what);
        break;
      case 'string4': {
        const n = this.int4(what);
        if (n < 0) throw new ModelguardError('E_MALFORMED', `${what}: negative byte count`, { offset: pos });
        arg = this.blob(n, 'str8', what);
        break;
      }
      case 'bytes1':
        arg = this.blob(this.u8(what), 'bytes', what);
        break;
      case 'bytes4':
        arg = this.blob(this.uint(4, what), 'bytes', what);
        break;
      case 'bytes8':
        arg = this.blob(this.uint8(what), 'bytes', what);
        break;
      case 'bytearray8':
        arg = this.blob(this.uint8(what), 'bytearray', what);
        break;
      case 'unicodestringnl':
        arg = decodeRawUnicodeEscape(this.line(what), pos);
        break;
      case 'unicodestring1':
        arg = this.blob(this.u8(what), 'str', what);
        break;
      case 'unicodestring4':
        arg = this.blob(this.uint(4, what), 'str', what);
        break;
      case 'unicodestring8':
        arg = this.blob(this.uint8(what), 'str', what);
        break;
    }
    const op = this.op;
    op.code = code;
    op.info = info;
    op.pos = pos;
    op.arg = arg;
    return op;
  }
}

function decodeMaybe(raw: Uint8Array): { text: string; ok: boolean } {
  // ASCII (every module and name real picklers write) decodes the same either way, without a decoder call.
  if (isAscii(raw)) return { text: latin1Decode(raw), ok: true };
  try {
    return { text: utf8Fatal.decode(raw), ok: true };
  } catch {
    return { text: latin1Decode(raw), ok: false };
  }
}

/** `n` bytes at `at` as a string if they are all ASCII, else undefined (the caller decodes UTF-8). */
function asciiAt(buf: Uint8Array, at: number, n: number): string | undefined {
  let s = '';
  for (let i = at; i < at + n; i++) {
    const c = buf[i] as number;
    if (c >= 0x80) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

function isAscii(raw: Uint8Array): boolean {
  for (let i = 0; i < raw.length; i++) if ((raw[i] as number) >= 0x80) return false;
  return true;
}
