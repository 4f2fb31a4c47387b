/**
 * windows-1252 decoding. Node's `TextDecoder('windows-1252')` decodes
 * ISO-8859-1 instead (0x80-0x9F become C1 controls, not `€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ`),
 * so the 27 characters WHATWG's table puts there are mapped here; the five
 * bytes the code page leaves undefined stay C1 controls, which no text has.
 */

const HIGH: readonly number[] = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Decodes windows-1252 bytes (never fails: undefined bytes become C1 controls). */
export function decodeCp1252(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    const codes = new Array<number>(chunk.length);
    for (let k = 0; k < chunk.length; k++) {
      const b = chunk[k] as number;
      codes[k] = b >= 0x80 && b <= 0x9f ? (HIGH[b - 0x80] as number) : b;
    }
    s += String.fromCharCode(...codes);
  }
  return s;
}
