/** CRC-32C (Castagnoli), as LevelDB tables and TensorFlow bundles store it (masked). */

const TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  TABLE[i] = c >>> 0;
}

export function crc32c(bytes: Uint8Array, init = 0): number {
  let c = ~init >>> 0;
  for (const b of bytes) c = (TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/** LevelDB's mask: stored CRCs are rotated and offset so CRCs of CRCs are not trivial. */
export function unmask(masked: number): number {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}
