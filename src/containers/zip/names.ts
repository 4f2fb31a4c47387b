/**
 * The name under which CPython's zipfile files an entry (what
 * `numpy.load`, Keras and every zipfile-based tool look members up by),
 * which is not always the bytes in the directory:
 *
 * - without flag bit 11 the bytes are CP437, with it UTF-8 (an invalid
 *   UTF-8 name makes zipfile refuse the whole archive);
 * - `_sanitize_filename` cuts the name at the first NUL, so
 *   `config.json\0.txt` is found as `config.json`;
 * - since CPython 3.12 an Info-ZIP Unicode Path extra field (0x7075,
 *   version 1, CRC-32 of the raw name) replaces the name (`_decodeExtra`).
 *
 * miniz (PyTorch) compares the raw bytes, ASCII case-insensitively, so its
 * name is the directory's own.
 */
import { entry, u32leAt } from '../../bytes/at.js';
import { crc32 } from 'node:zlib';
import { ByteReader } from '../../bytes/reader.js';

const CP437_HIGH = 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const UNICODE_PATH = 0x7075;
const FLAG_UTF8 = 0x0800;

export function cp437Decode(raw: Uint8Array): string {
  let s = '';
  for (const b of raw) s += b < 0x80 ? String.fromCharCode(b) : entry(CP437_HIGH, b - 0x80, 'CP437');
  return s;
}

/** The Unicode Path extra field's name, when its CRC matches the raw name (as `_decodeExtra` checks). */
function unicodePath(extra: Uint8Array, rawName: Uint8Array): string | undefined {
  const r = new ByteReader(extra, 0);
  while (r.remaining >= 4) {
    const id = r.u16le();
    const len = r.u16le();
    if (len > r.remaining) return undefined;
    const body = r.bytesView(len);
    if (id !== UNICODE_PATH || len < 5) continue;
    const version = body[0];
    const crc = u32leAt(body, 1);
    if (version !== 1 || crc !== crc32(rawName) >>> 0) continue;
    try {
      const name = utf8Fatal.decode(body.subarray(5));
      if (name !== '') return name;
    } catch {
      return undefined; // zipfile raises BadZipFile: the archive does not open
    }
  }
  return undefined;
}

function sanitize(name: string): string {
  const nul = name.indexOf('\0');
  return nul >= 0 ? name.slice(0, nul) : name;
}

/**
 * The names zipfile may file this entry under (3.11 and 3.12+ differ on
 * the Unicode Path field), or none when it refuses the name.
 */
export function zipfileNames(rawName: Uint8Array, flags: number, extra: Uint8Array): string[] {
  let decoded: string;
  if ((flags & FLAG_UTF8) !== 0) {
    try {
      decoded = utf8Fatal.decode(rawName);
    } catch {
      return [];
    }
  } else decoded = cp437Decode(rawName);
  const names = [sanitize(decoded)];
  const unicode = unicodePath(extra, rawName);
  if (unicode !== undefined) names.push(sanitize(unicode));
  return names;
}
