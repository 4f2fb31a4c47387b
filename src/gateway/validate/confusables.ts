/**
 * Confusable folding for the detectors only (never for what is forwarded):
 * Cyrillic and Greek letters that look like Latin ones (`іgnore` with a
 * Cyrillic і) are mapped to the Latin letter, after NFKC has folded the
 * compatibility forms. A subset of Unicode's confusables.txt (UTS #39),
 * the letters of the Latin alphabet's look-alikes in scripts common in
 * attacks.
 */
const MAP: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  с: 'c',
  ԁ: 'd',
  е: 'e',
  һ: 'h',
  і: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  ѕ: 's',
  т: 't',
  у: 'y',
  х: 'x',
  ԝ: 'w',
  ү: 'y',
  ɡ: 'g',
  А: 'a',
  В: 'b',
  С: 'c',
  Е: 'e',
  Н: 'h',
  І: 'i',
  Ј: 'j',
  К: 'k',
  М: 'm',
  О: 'o',
  Р: 'p',
  Ѕ: 's',
  Т: 't',
  Х: 'x',
  У: 'y',
  // Greek
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  Α: 'a',
  Β: 'b',
  Ε: 'e',
  Ζ: 'z',
  Η: 'h',
  Ι: 'i',
  Κ: 'k',
  Μ: 'm',
  Ν: 'n',
  Ο: 'o',
  Ρ: 'p',
  Τ: 't',
  Υ: 'y',
  Χ: 'x',
  // Latin look-alikes
  ı: 'i',
  ȷ: 'j',
  ℓ: 'l',
  ʀ: 'r',
  ɪ: 'i',
  ɴ: 'n',
  ᴏ: 'o',
};

const NON_ASCII = /[\u0080-\uFFFF]/;

/** Lower-cased, confusables folded: text as the detectors compare it. UTF-16 length is preserved, so spans stay valid. */
export function foldForDetection(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  let out = '';
  for (const ch of text) {
    const m = MAP[ch] ?? ch.toLowerCase();
    out += m.length === ch.length ? m : ch;
  }
  return out;
}
