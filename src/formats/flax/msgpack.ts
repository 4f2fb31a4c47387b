/**
 * A bounded MessagePack reader (github.com/msgpack/msgpack/blob/master/spec.md):
 * walks one value and every value inside it, checking each length against
 * the bytes that are really there, without building the values (a Flax
 * checkpoint is gigabytes of `bin` and `ext` payloads that need no copy).
 */
import { ModelguardError } from '../../errors.js';
import { WindowCursor } from '../../bytes/window.js';
import type { ByteSource } from '../../bytes/source.js';

/** Nesting of maps and arrays (CWE-674); msgpack-python's own limit is far deeper, state dicts are a few levels. */
export const MAX_MSGPACK_DEPTH = 64;
/** Bytes of one string decoded and checked (CWE-400); keys and dtype names are short. */
const MAX_STR_BYTES = 16 * 1024 * 1024;

/**
 * A cursor for MessagePack over `[start, end)` of a source: the project's
 * windowed cursor, big-endian as MessagePack is. A small window for the
 * few header bytes of a payload, so the payload itself is skipped unread.
 */
export function msgpackCursor(src: ByteSource, start: number, end: number, window = 64 * 1024): WindowCursor {
  const c = new WindowCursor(src, start, end, window);
  c.littleEndian = false;
  return c;
}

export interface MsgpackVisitor {
  /** A map key that is a string, with the path of maps above it. */
  key?(key: string, path: readonly string[]): void;
  /** An ext value: its type code and where its payload lies. */
  ext?(code: number, at: number, length: number, path: readonly string[]): void;
}

export type Kind = 'nil' | 'bool' | 'int' | 'float' | 'str' | 'bin' | 'array' | 'map' | 'ext';

/** Reads the header of the value at the cursor: its kind, and its length or element count. */
export function header(r: WindowCursor): { kind: Kind; n: number; code?: number; value?: number } {
  const at = r.pos;
  const b = r.u8('msgpack type');
  if (b <= 0x7f) return { kind: 'int', n: 0, value: b };
  if (b >= 0xe0) return { kind: 'int', n: 0, value: b - 0x100 };
  if ((b & 0xf0) === 0x80) return { kind: 'map', n: b & 0x0f };
  if ((b & 0xf0) === 0x90) return { kind: 'array', n: b & 0x0f };
  if ((b & 0xe0) === 0xa0) return { kind: 'str', n: b & 0x1f };
  switch (b) {
    case 0xc0:
      return { kind: 'nil', n: 0 };
    case 0xc2:
    case 0xc3:
      return { kind: 'bool', n: 0 };
    case 0xc4:
      return { kind: 'bin', n: r.u8('bin8 length') };
    case 0xc5:
      return { kind: 'bin', n: r.u16('bin16 length') };
    case 0xc6:
      return { kind: 'bin', n: r.u32('bin32 length') };
    case 0xc7:
      return { kind: 'ext', n: r.u8('ext8 length'), code: (r.u8('ext type') << 24) >> 24 };
    case 0xc8:
      return { kind: 'ext', n: r.u16('ext16 length'), code: (r.u8('ext type') << 24) >> 24 };
    case 0xc9:
      return { kind: 'ext', n: r.u32('ext32 length'), code: (r.u8('ext type') << 24) >> 24 };
    case 0xca:
      r.skip(4, 'float32');
      return { kind: 'float', n: 0 };
    case 0xcb:
      r.skip(8, 'float64');
      return { kind: 'float', n: 0 };
    case 0xcc:
      return { kind: 'int', n: 0, value: r.u8('uint8') };
    case 0xcd:
      return { kind: 'int', n: 0, value: r.u16('uint16') };
    case 0xce:
      return { kind: 'int', n: 0, value: r.u32('uint32') };
    case 0xcf: {
      const hi = r.u32('uint64');
      const lo = r.u32('uint64');
      return { kind: 'int', n: 0, value: hi * 2 ** 32 + lo };
    }
    case 0xd0:
      return { kind: 'int', n: 0, value: (r.u8('int8') << 24) >> 24 };
    case 0xd1: {
      const v = r.u16('int16');
      return { kind: 'int', n: 0, value: v >= 0x8000 ? v - 0x10000 : v };
    }
    case 0xd2:
      return { kind: 'int', n: 0, value: r.u32('int32') | 0 };
    case 0xd3: {
      const hi = r.u32('int64') | 0;
      const lo = r.u32('int64');
      return { kind: 'int', n: 0, value: hi * 2 ** 32 + lo };
    }
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return { kind: 'ext', n: 1 << (b - 0xd4), code: (r.u8('ext type') << 24) >> 24 };
    case 0xd9:
      return { kind: 'str', n: r.u8('str8 length') };
    case 0xda:
      return { kind: 'str', n: r.u16('str16 length') };
    case 0xdb:
      return { kind: 'str', n: r.u32('str32 length') };
    case 0xdc:
      return { kind: 'array', n: r.u16('array16 count') };
    case 0xdd:
      return { kind: 'array', n: r.u32('array32 count') };
    case 0xde:
      return { kind: 'map', n: r.u16('map16 count') };
    case 0xdf:
      return { kind: 'map', n: r.u32('map32 count') };
    default:
      throw new ModelguardError('E_MALFORMED', `msgpack: byte 0x${b.toString(16)} at offset ${at} is not a type`, { offset: at });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Walks the value at the cursor. Strings must be UTF-8 (msgpack-python
 * decodes them with raw=False and fails otherwise). Returns its kind; the
 * value itself for the scalars the caller may need (ints, short strings).
 */
export function walk(r: WindowCursor, visit: MsgpackVisitor, path: string[] = [], depth = 0): { kind: Kind; value?: number | string } {
  const h = header(r);
  switch (h.kind) {
    case 'str': {
      const at = r.pos;
      if (h.n > MAX_STR_BYTES) throw new ModelguardError('E_LIMIT', `msgpack: string of ${h.n} bytes at offset ${at}`, { offset: at });
      const bytes = r.bytes(h.n, 'msgpack str');
      let s: string;
      try {
        s = utf8.decode(bytes);
      } catch {
        throw new ModelguardError('E_MALFORMED', `msgpack: string at offset ${at} is not UTF-8`, { offset: at });
      }
      return { kind: 'str', value: s.length <= 256 ? s : s.slice(0, 256) };
    }
    case 'bin':
      r.skip(h.n, 'msgpack bin');
      return { kind: 'bin' };
    case 'ext': {
      const at = r.pos;
      r.skip(h.n, 'msgpack ext');
      visit.ext?.(h.code as number, at, h.n, path);
      return { kind: 'ext' };
    }
    case 'array':
    case 'map': {
      if (depth >= MAX_MSGPACK_DEPTH) throw new ModelguardError('E_LIMIT', `msgpack: nested deeper than ${MAX_MSGPACK_DEPTH}`, { offset: r.pos });
      // Every element takes at least one byte: a count beyond the bytes left is a lie, refused before looping.
      const need = h.kind === 'map' ? h.n * 2 : h.n;
      if (need > r.remaining)
        throw new ModelguardError('E_TRUNCATED', `msgpack: ${h.kind} of ${h.n} entries with ${r.remaining} bytes left`, { offset: r.pos });
      for (let i = 0; i < h.n; i++) {
        if (h.kind === 'map') {
          const k = walk(r, visit, path, depth + 1);
          const key = k.kind === 'str' ? (k.value as string) : `<${k.kind}>`;
          if (k.kind === 'str') visit.key?.(key, path);
          path.push(key);
          walk(r, visit, path, depth + 1);
          path.pop();
        } else {
          path.push(String(i));
          walk(r, visit, path, depth + 1);
          path.pop();
        }
      }
      return { kind: h.kind };
    }
    default:
      return { kind: h.kind, ...(h.value === undefined ? {} : { value: h.value }) };
  }
}
