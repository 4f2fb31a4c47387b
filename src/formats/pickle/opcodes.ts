/**
 * Every pickle opcode of protocols 0-5, as CPython 3.12 defines them
 * (Lib/pickletools.py `opcodes`, Modules/_pickle.c). A table, so long.
 *
 * `arg` names the argument encoding, with pickletools' names:
 * - `uint1`/`uint2`/`uint4`/`uint8`/`int4`: little-endian integers
 * - `long1`/`long4`: a length (u8 / i32) then that many bytes of two's-complement LE int
 * - `decimalnl_short`/`decimalnl_long`/`floatnl`: text up to `\n`
 * - `stringnl`: a Python repr of a byte string up to `\n` (quoted, escaped)
 * - `stringnl_noescape`: raw text up to `\n`; `_pair`: two such lines
 * - `string1`/`string4`, `bytes1`/`bytes4`/`bytes8`, `bytearray8`,
 *   `unicodestring1/4/8`: a length then raw bytes
 * - `unicodestringnl`: raw-unicode-escape text up to `\n`
 */
export type ArgKind =
  | 'none'
  | 'uint1'
  | 'uint2'
  | 'uint4'
  | 'uint8'
  | 'int4'
  | 'long1'
  | 'long4'
  | 'decimalnl_short'
  | 'decimalnl_long'
  | 'floatnl'
  | 'float8'
  | 'stringnl'
  | 'stringnl_noescape'
  | 'stringnl_noescape_pair'
  | 'string1'
  | 'string4'
  | 'bytes1'
  | 'bytes4'
  | 'bytes8'
  | 'bytearray8'
  | 'unicodestringnl'
  | 'unicodestring1'
  | 'unicodestring4'
  | 'unicodestring8';

export interface OpInfo {
  readonly code: number;
  readonly name: string;
  readonly arg: ArgKind;
  /** Lowest protocol that defines it. */
  readonly proto: number;
}

export const Op = {
  MARK: 0x28,
  STOP: 0x2e,
  POP: 0x30,
  POP_MARK: 0x31,
  DUP: 0x32,
  FLOAT: 0x46,
  INT: 0x49,
  BININT: 0x4a,
  BININT1: 0x4b,
  LONG: 0x4c,
  BININT2: 0x4d,
  NONE: 0x4e,
  PERSID: 0x50,
  BINPERSID: 0x51,
  REDUCE: 0x52,
  STRING: 0x53,
  BINSTRING: 0x54,
  SHORT_BINSTRING: 0x55,
  UNICODE: 0x56,
  BINUNICODE: 0x58,
  APPEND: 0x61,
  BUILD: 0x62,
  GLOBAL: 0x63,
  DICT: 0x64,
  EMPTY_DICT: 0x7d,
  APPENDS: 0x65,
  GET: 0x67,
  BINGET: 0x68,
  INST: 0x69,
  LONG_BINGET: 0x6a,
  LIST: 0x6c,
  EMPTY_LIST: 0x5d,
  OBJ: 0x6f,
  PUT: 0x70,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  SETITEM: 0x73,
  TUPLE: 0x74,
  EMPTY_TUPLE: 0x29,
  SETITEMS: 0x75,
  BINFLOAT: 0x47,
  // protocol 2
  PROTO: 0x80,
  NEWOBJ: 0x81,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  // protocol 3
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  // protocol 4
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  // protocol 5
  BYTEARRAY8: 0x96,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const;

const TABLE: ReadonlyArray<readonly [keyof typeof Op, ArgKind, number]> = [
  ['INT', 'decimalnl_short', 0],
  ['BININT', 'int4', 1],
  ['BININT1', 'uint1', 1],
  ['BININT2', 'uint2', 1],
  ['LONG', 'decimalnl_long', 0],
  ['LONG1', 'long1', 2],
  ['LONG4', 'long4', 2],
  ['STRING', 'stringnl', 0],
  ['BINSTRING', 'string4', 1],
  ['SHORT_BINSTRING', 'string1', 1],
  ['BINBYTES', 'bytes4', 3],
  ['SHORT_BINBYTES', 'bytes1', 3],
  ['BINBYTES8', 'bytes8', 4],
  ['BYTEARRAY8', 'bytearray8', 5],
  ['NEXT_BUFFER', 'none', 5],
  ['READONLY_BUFFER', 'none', 5],
  ['NONE', 'none', 0],
  ['NEWTRUE', 'none', 2],
  ['NEWFALSE', 'none', 2],
  ['UNICODE', 'unicodestringnl', 0],
  ['SHORT_BINUNICODE', 'unicodestring1', 4],
  ['BINUNICODE', 'unicodestring4', 1],
  ['BINUNICODE8', 'unicodestring8', 4],
  ['FLOAT', 'floatnl', 0],
  ['BINFLOAT', 'float8', 1],
  ['EMPTY_LIST', 'none', 1],
  ['APPEND', 'none', 0],
  ['APPENDS', 'none', 1],
  ['LIST', 'none', 0],
  ['EMPTY_TUPLE', 'none', 1],
  ['TUPLE', 'none', 0],
  ['TUPLE1', 'none', 2],
  ['TUPLE2', 'none', 2],
  ['TUPLE3', 'none', 2],
  ['EMPTY_DICT', 'none', 1],
  ['DICT', 'none', 0],
  ['SETITEM', 'none', 0],
  ['SETITEMS', 'none', 1],
  ['EMPTY_SET', 'none', 4],
  ['ADDITEMS', 'none', 4],
  ['FROZENSET', 'none', 4],
  ['POP', 'none', 0],
  ['DUP', 'none', 0],
  ['MARK', 'none', 0],
  ['POP_MARK', 'none', 1],
  ['GET', 'decimalnl_short', 0],
  ['BINGET', 'uint1', 1],
  ['LONG_BINGET', 'uint4', 1],
  ['PUT', 'decimalnl_short', 0],
  ['BINPUT', 'uint1', 1],
  ['LONG_BINPUT', 'uint4', 1],
  ['MEMOIZE', 'none', 4],
  ['EXT1', 'uint1', 2],
  ['EXT2', 'uint2', 2],
  ['EXT4', 'int4', 2],
  ['GLOBAL', 'stringnl_noescape_pair', 0],
  ['STACK_GLOBAL', 'none', 4],
  ['REDUCE', 'none', 0],
  ['BUILD', 'none', 0],
  ['INST', 'stringnl_noescape_pair', 0],
  ['OBJ', 'none', 1],
  ['NEWOBJ', 'none', 2],
  ['NEWOBJ_EX', 'none', 4],
  ['PROTO', 'uint1', 2],
  ['STOP', 'none', 0],
  ['FRAME', 'uint8', 4],
  ['PERSID', 'stringnl_noescape', 0],
  ['BINPERSID', 'none', 1],
];

/** Opcode byte → description; `undefined` for bytes that are not opcodes. */
export const OPCODES: ReadonlyArray<OpInfo | undefined> = (() => {
  const out: (OpInfo | undefined)[] = new Array<OpInfo | undefined>(256).fill(undefined);
  for (const [name, arg, proto] of TABLE) {
    const code = Op[name];
    out[code] = Object.freeze({ code, name, arg, proto });
  }
  return out;
})();

export function opName(code: number): string {
  return OPCODES[code]?.name ?? `0x${code.toString(16).padStart(2, '0')}`;
}

/** Highest protocol CPython 3.12 reads. */
export const HIGHEST_PROTOCOL = 5;
