/**
 * Recognising age files by their first bytes, without loading the age
 * implementation (the scanner's sniffers use it on every file).
 */
const BINARY_MAGIC = Buffer.from('age-encryption.org/v1\n');
const ARMOR_MAGIC = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----');
/** What String.prototype.trimStart removes from latin1 text (what this check used to do). */
const SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]);

/**
 * True if `head` (the first bytes of a file) starts an age file, binary
 * (`age-encryption.org/v1`) or armored (`-----BEGIN AGE ENCRYPTED FILE-----`,
 * leading whitespace allowed). Byte comparisons only: sniffers call it on
 * every scanned file.
 */
export function looksLikeAge(head: Uint8Array): boolean {
  if (startsWith(head, 0, BINARY_MAGIC)) return true;
  let i = 0;
  for (let c = head[i]; c !== undefined && SPACE.has(c); c = head[++i]);
  return startsWith(head, i, ARMOR_MAGIC);
}

function startsWith(b: Uint8Array, at: number, magic: Uint8Array): boolean {
  if (b.length - at < magic.length) return false;
  for (let k = 0; k < magic.length; k++) if (b[at + k] !== magic[k]) return false;
  return true;
}
