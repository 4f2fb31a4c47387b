/**
 * Recognising age files by their first bytes, without loading the age
 * implementation (the scanner's sniffers use it on every file).
 */
const BINARY_MAGIC = Buffer.from('age-encryption.org/v1\n');
const ARMOR_MAGIC = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----');

/**
 * True if `head` (the first bytes of a file, 64 are enough) starts an age
 * file, binary or armored (leading whitespace allowed before armor). For
 * callers deciding whether to ask for an identity.
 */
/** Binary (`age-encryption.org/v1`) or armored (`-----BEGIN AGE ENCRYPTED FILE-----`) age. */
export function looksLikeAge(head: Uint8Array): boolean {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.subarray(0, BINARY_MAGIC.length).equals(BINARY_MAGIC)) return true;
  const text = b.toString('latin1').trimStart();
  return text.startsWith(ARMOR_MAGIC.toString('latin1'));
}
