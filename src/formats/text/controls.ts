/**
 * Control bytes: what tells binary from text in every 8-bit encoding
 * (ASCII, UTF-8, the Windows code pages, Shift_JIS, GBK, EUC-KR, Big5 all
 * keep bytes below 0x20 for C0 controls). Text carries tab, line feed,
 * form feed and carriage return, and logs carry ESC (ANSI colours,
 * `\x1b[32m`); binary data carries the rest densely (lengths, counts,
 * zero padding). A stray control byte in a long text (a log with a bell or
 * a backspace) is tolerated, one in 256 bytes at most.
 */

/** 1 for bytes text never carries except as a stray; 0 for the rest. */
const DISALLOWED: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 0x20; c++) t[c] = 1;
  for (const ok of [0x09, 0x0a, 0x0c, 0x0d, 0x1b]) t[ok] = 0;
  t[0x7f] = 1;
  return t;
})();

/** Texts shorter than this may hold no stray control at all: a cut binary header looks like short text. */
const MIN_BYTES_FOR_STRAYS = 64;
/** Stray control bytes tolerated per this many bytes (one more than the quotient). */
const BYTES_PER_STRAY = 256;

/** Stray control bytes a text of `n` bytes may hold. */
export function strayBudget(n: number): number {
  return n < MIN_BYTES_FOR_STRAYS ? 0 : 1 + Math.floor(n / BYTES_PER_STRAY);
}

/**
 * Counts disallowed control bytes in `bytes`, stopping as soon as there are
 * more than `budget` (binary data stops within a few bytes). Returns the
 * count, or -1 when over budget.
 */
export function countStrays(bytes: Uint8Array, budget: number): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (DISALLOWED[bytes[i] as number] === 1 && ++n > budget) return -1;
  }
  return n;
}

/** Whether `bytes` holds an ANSI escape sequence (ESC followed by `[` or `]`). */
export function hasAnsiEscape(bytes: Uint8Array): boolean {
  let i = bytes.indexOf(0x1b);
  while (i >= 0 && i + 1 < bytes.length) {
    const n = bytes[i + 1];
    if (n === 0x5b || n === 0x5d) return true;
    i = bytes.indexOf(0x1b, i + 1);
  }
  return false;
}

/**
 * Whether every `block`-byte block of `bytes` stays within the stray budget
 * of a block that size: a binary stretch inside a long text is not diluted
 * by the text around it. One pass, no copies (it runs over whole files).
 */
export function strayControlsPerBlock(bytes: Uint8Array, block: number): boolean {
  const budget = strayBudget(block);
  for (let start = 0; start < bytes.length; start += block) {
    const end = Math.min(bytes.length, start + block);
    let strays = 0;
    for (let i = start; i < end; i++) {
      if (DISALLOWED[bytes[i] as number] === 1 && ++strays > budget) return false;
    }
  }
  return true;
}
