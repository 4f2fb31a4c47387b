/**
 * The `.npy` header (NEP 1, `numpy.lib.format`): magic `\x93NUMPY`, a
 * version (1.0: u16 header length, latin-1; 2.0: u32; 3.0: u32, UTF-8),
 * then a Python dict literal with exactly `descr`, `fortran_order` and
 * `shape`. Shared by the scanner and the converter; parsed strictly and
 * never evaluated.
 */
import { ByteReader } from '../../bytes/reader.js';
import { latin1Decode, utf8Strict } from '../../bytes/text.js';
import { ModelguardError } from '../../errors.js';
import { MAX_DIMS, dtypeOf, type NpyDtype } from './descr.js';
import { parseLiteral, type Lit } from './literal.js';

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const;

/**
 * Longest header accepted (CWE-770). numpy refuses headers over 10 000 bytes
 * unless `allow_pickle=True`, which is exactly when a hostile file is loaded,
 * so the scanner goes further; over this, the file is not analysed.
 */
export const MAX_NPY_HEADER = 1 << 20;

export interface NpyHeader {
  major: number;
  minor: number;
  /** Bytes before the array data (magic, version, length, header text). */
  dataStart: number;
  descr: Lit;
  dtype: NpyDtype;
  fortran: boolean;
  shape: bigint[];
  /** Header keys given more than once (Python keeps the last value, as here). */
  repeatedKeys: string[];
}

export function hasNpyMagic(head: Uint8Array): boolean {
  return NPY_MAGIC.every((b, i) => head[i] === b);
}

/** Reads magic, version and header length: the bytes the header needs. */
export function npyPreamble(head: Uint8Array, maxHeader = MAX_NPY_HEADER): { major: number; minor: number; headerStart: number; headerLength: number } {
  const r = new ByteReader(head);
  if (!hasNpyMagic(r.bytesView(6, 'npy magic'))) throw new ModelguardError('E_MALFORMED', 'not a .npy array (no \\x93NUMPY magic)');
  const major = r.u8('npy version');
  const minor = r.u8('npy version');
  // numpy reads exactly (1,0), (2,0) and (3,0).
  if (major < 1 || major > 3 || minor !== 0) throw new ModelguardError('E_MALFORMED', `.npy version ${major}.${minor} is not one numpy reads`, { offset: 6 });
  const headerLength = major === 1 ? r.u16le('npy header length') : r.u32le('npy header length');
  if (headerLength > maxHeader) throw new ModelguardError('E_LIMIT', `.npy header of ${headerLength} bytes (limit ${maxHeader})`, { offset: 8 });
  return { major, minor, headerStart: r.pos, headerLength };
}

function field(d: Map<string, Lit>, key: string): Lit {
  const v = d.get(key);
  if (v === undefined) throw new ModelguardError('E_MALFORMED', `.npy header lacks '${key}'`);
  return v;
}

/** Parses the header from the first bytes of the file (at least `dataStart` of them). */
export function parseNpyHeader(head: Uint8Array, maxHeader = MAX_NPY_HEADER): NpyHeader {
  const { major, minor, headerStart, headerLength } = npyPreamble(head, maxHeader);
  const r = new ByteReader(head);
  r.seek(headerStart);
  const raw = r.bytesView(headerLength, 'npy header');
  const text = major === 3 ? utf8Strict(raw, 'npy header', headerStart) : latin1Decode(raw);
  let lit: Lit;
  try {
    lit = parseLiteral(text);
  } catch (e) {
    if (e instanceof ModelguardError) throw new ModelguardError(e.code, `.npy ${e.message}`, { offset: headerStart, cause: e });
    throw e;
  }
  if (lit.t !== 'dict') throw new ModelguardError('E_MALFORMED', '.npy header is not a dict', { offset: headerStart });
  const keys = [...lit.entries.keys()].sort().join(',');
  if (keys !== 'descr,fortran_order,shape')
    throw new ModelguardError('E_MALFORMED', `.npy header keys are {${keys}}, numpy requires exactly descr, fortran_order, shape`, { offset: headerStart });
  const fortran = field(lit.entries, 'fortran_order');
  if (fortran.t !== 'bool') throw new ModelguardError('E_MALFORMED', '.npy fortran_order is not a bool', { offset: headerStart });
  const shapeLit = field(lit.entries, 'shape');
  if (shapeLit.t !== 'tuple') throw new ModelguardError('E_MALFORMED', '.npy shape is not a tuple', { offset: headerStart });
  if (shapeLit.items.length > MAX_DIMS)
    throw new ModelguardError('E_MALFORMED', `.npy shape has ${shapeLit.items.length} dimensions (numpy allows ${MAX_DIMS})`, { offset: headerStart });
  const shape: bigint[] = [];
  for (const d of shapeLit.items) {
    // numpy checks isinstance(x, int), which True and False pass.
    if (d.t === 'int') shape.push(d.v);
    else if (d.t === 'bool') shape.push(d.v ? 1n : 0n);
    else throw new ModelguardError('E_MALFORMED', `.npy shape holds a ${d.t}`, { offset: headerStart });
  }
  const descr = field(lit.entries, 'descr');
  return { major, minor, dataStart: r.pos, descr, dtype: dtypeOf(descr), fortran: fortran.v, shape, repeatedKeys: lit.repeated };
}

/** Elements the shape declares (1 for a scalar); undefined if a dimension is negative. */
export function elementCount(shape: readonly bigint[]): bigint | undefined {
  let n = 1n;
  for (const d of shape) {
    if (d < 0n) return undefined;
    n *= d;
  }
  return n;
}
