/**
 * The age v1 header: version line, recipient stanzas, MAC line.
 *
 *     age-encryption.org/v1
 *     -> X25519 <base64 share>
 *     <base64 body wrapped at 64 columns, ending with a line shorter than 64>
 *     --- <base64 HMAC-SHA-256>
 *
 * Parsing is strict: every rule of the spec's ABNF is enforced and anything
 * else is `E_AGE_HEADER` (non-canonical base64, padding, CR, empty or
 * non-VCHAR arguments, missing final body line, unknown version). The parser
 * never normalises: `serializeHeader(parseHeader(h))` gives back `h`.
 */
import { ByteReader } from '../bytes/reader.js';
import { fail, recode } from './errors.js';
import { decodeRaw, decodeRawExact, encodeRaw } from './base64.js';
import { equalBytes, hkdf, hmacSha256 } from './primitives.js';

export const VERSION_LINE = 'age-encryption.org/v1';
const VERSION_PREFIX = 'age-encryption.org/';
/** CWE-400: a header is a few hundred bytes per recipient; 1 MiB bounds memory and work. */
export const MAX_HEADER_SIZE = 1024 * 1024;
/** CWE-400: bounds the identity trials (one X25519 per stanza per identity). */
export const MAX_STANZAS = 4096;
const COLUMNS = 64;
const MAC_B64_LEN = 43;

/** A recipient stanza: `args[0]` is its type. */
export interface Stanza {
  readonly args: readonly string[];
  readonly body: Uint8Array;
}

export interface Header {
  readonly stanzas: readonly Stanza[];
  /** The bytes the MAC covers: from the version line through `---`. */
  readonly macInput: Uint8Array;
  readonly mac: Uint8Array;
  /** Total header length including the MAC line's newline. */
  readonly size: number;
}

const enc = new TextEncoder();

function isVchar(c: number): boolean {
  return c >= 0x21 && c <= 0x7e;
}

function isB64Char(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function startsWith(line: Uint8Array, prefix: string): boolean {
  if (line.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (line[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/**
 * Where the header ends in `buf` (the index after the MAC line's newline),
 * `undefined` if more bytes are needed. Only base64 and `-> ` lines precede
 * the MAC line, so the first line starting with `---` is the MAC line.
 * `from` is where to resume the search: any index at or before the last
 * newline of a previous call's `buf`. Throws early on input that cannot be
 * an age v1 header.
 */
export function findHeaderEnd(buf: Uint8Array, from = 0): number | undefined {
  const probe = Math.min(buf.length, VERSION_PREFIX.length);
  for (let i = 0; i < probe; i++) {
    if (buf[i] !== VERSION_PREFIX.charCodeAt(i)) throw fail('E_AGE_HEADER', 'not an age file (bad version line)', { offset: i });
  }
  let i = Math.max(0, from);
  for (;;) {
    const nl = buf.indexOf(0x0a, i);
    if (nl < 0) break;
    if (buf[nl + 1] === 0x2d && buf[nl + 2] === 0x2d && buf[nl + 3] === 0x2d) {
      const end = buf.indexOf(0x0a, nl + 1);
      if (end < 0) break;
      return end + 1;
    }
    i = nl + 1;
  }
  if (buf.length > MAX_HEADER_SIZE) throw fail('E_AGE_LIMIT', `header exceeds ${MAX_HEADER_SIZE} bytes`);
  return undefined;
}

function parseArgs(line: Uint8Array, at: number): string[] {
  const args: string[] = [];
  let start = 3;
  for (let i = 3; i <= line.length; i++) {
    const c = line[i];
    if (c === undefined || c === 0x20) {
      if (i === start) throw fail('E_AGE_HEADER', 'empty stanza argument', { offset: at + i });
      args.push(ascii(line.subarray(start, i)));
      start = i + 1;
    } else if (!isVchar(c)) {
      throw fail('E_AGE_HEADER', `invalid character 0x${c.toString(16)} in stanza argument`, {
        offset: at + i,
      });
    }
  }
  return args;
}

function parseBody(r: ByteReader): Uint8Array {
  let b64 = '';
  for (;;) {
    const at = r.offset;
    const line = r.line(COLUMNS + 1, 'stanza body line');
    if (line.length > COLUMNS) throw fail('E_AGE_HEADER', 'stanza body line longer than 64 columns', { offset: at });
    const bad = line.findIndex((c) => !isB64Char(c));
    if (bad >= 0) throw fail('E_AGE_HEADER', 'invalid character in stanza body', { offset: at + bad });
    b64 += ascii(line);
    if (line.length < COLUMNS) return decodeRaw(b64, 'stanza body');
  }
}

/** Parses a complete header at the start of `bytes` (trailing payload bytes are ignored). */
export function parseHeader(bytes: Uint8Array): Header {
  const r = new ByteReader(bytes);
  try {
    const version = r.line(MAX_HEADER_SIZE, 'version line');
    if (ascii(version) !== VERSION_LINE) {
      throw fail('E_AGE_HEADER', `unsupported version line ${JSON.stringify(ascii(version.subarray(0, 64)))}`);
    }
    const stanzas: Stanza[] = [];
    for (;;) {
      const at = r.offset;
      const line = r.line(MAX_HEADER_SIZE, 'header line');
      if (startsWith(line, '---')) {
        if (stanzas.length === 0) throw fail('E_AGE_HEADER', 'header has no recipient stanzas', { offset: at });
        if (line.length !== 4 + MAC_B64_LEN || line[3] !== 0x20) {
          throw fail('E_AGE_HEADER', 'malformed MAC line', { offset: at });
        }
        const mac = decodeRawExact(ascii(line.subarray(4)), 32, 'header MAC');
        return { stanzas, macInput: bytes.subarray(0, at + 3), mac, size: r.pos };
      }
      if (!startsWith(line, '-> ')) throw fail('E_AGE_HEADER', 'expected a stanza or the MAC line', { offset: at });
      if (stanzas.length >= MAX_STANZAS) throw fail('E_AGE_LIMIT', `more than ${MAX_STANZAS} stanzas`, { offset: at });
      const args = parseArgs(line, at);
      stanzas.push({ args, body: parseBody(r) });
    }
  } catch (e) {
    recode(e, 'E_AGE_HEADER', 'age header');
  }
}

function stanzaText(s: Stanza): string {
  const b64 = encodeRaw(s.body);
  let out = `-> ${s.args.join(' ')}\n`;
  for (let i = 0; i + COLUMNS <= b64.length; i += COLUMNS) out += `${b64.slice(i, i + COLUMNS)}\n`;
  return `${out}${b64.slice(b64.length - (b64.length % COLUMNS))}\n`;
}

/** The MAC input for `stanzas`: version line, stanzas, and `---`. */
export function serializeHeaderNoMac(stanzas: readonly Stanza[]): Uint8Array {
  return enc.encode(`${VERSION_LINE}\n${stanzas.map(stanzaText).join('')}---`);
}

export function serializeHeader(stanzas: readonly Stanza[], mac: Uint8Array): Uint8Array {
  const noMac = serializeHeaderNoMac(stanzas);
  const tail = enc.encode(` ${encodeRaw(mac)}\n`);
  const out = new Uint8Array(noMac.length + tail.length);
  out.set(noMac);
  out.set(tail, noMac.length);
  return out;
}

export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  return hmacSha256(hkdf(fileKey, new Uint8Array(0), 'header'), macInput);
}

/** Throws `E_AGE_MAC` unless the header MAC verifies under `fileKey`. */
export function verifyHeaderMac(header: Header, fileKey: Uint8Array): void {
  if (!equalBytes(headerMac(fileKey, header.macInput), header.mac)) {
    throw fail('E_AGE_MAC', 'header MAC does not verify (the header was modified)');
  }
}
