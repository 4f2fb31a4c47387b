/** ID3v2 tags (id3.org id3v2.4.0-structure), which MP3 and some FLAC files start with. */

/** Bytes taken by an ID3v2 tag at the start of `head` (header, body and footer), or undefined. */
export function id3v2Size(head: Uint8Array): number | undefined {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return undefined;
  const version = head[3] ?? 0xff;
  if (version < 2 || version > 4 || head[4] === 0xff) return undefined;
  // The size is "syncsafe": four 7-bit bytes.
  let size = 0;
  for (let i = 6; i < 10; i++) {
    const b = head[i] ?? 0x80;
    if (b & 0x80) return undefined;
    size = size * 128 + b;
  }
  const footer = ((head[5] ?? 0) & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}
