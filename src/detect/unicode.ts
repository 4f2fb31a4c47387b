/**
 * Character classes the normaliser needs: invisible characters that split
 * words without showing, Unicode tag characters that smuggle ASCII
 * (U+E0020..U+E007E mirror printable ASCII), and the Cyrillic and Greek
 * letters that look like Latin ones (a subset of UTS #39 confusables.txt),
 * folded only inside words that mix them with Latin letters, so Russian
 * and Greek text stay themselves.
 */

/** Zero-width and format characters, bidi controls, variation selectors, soft hyphen. */
export function isInvisible(cp: number): boolean {
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x061c ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    cp === 0x180e ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0x3164 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    cp === 0xffa0 ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

/** ZWJ and ZWNJ have legitimate uses (emoji sequences, Persian, Indic scripts); only counted when they split Latin letters. */
export function isJoiner(cp: number): boolean {
  return cp === 0x200c || cp === 0x200d;
}

/** A Unicode tag character: U+E0000..U+E007F. */
export function isTag(cp: number): boolean {
  return cp >= 0xe0000 && cp <= 0xe007f;
}

/** The ASCII character a tag character mirrors, or '' for the tag controls. */
export function tagToAscii(cp: number): string {
  const a = cp - 0xe0000;
  return a >= 0x20 && a <= 0x7e ? String.fromCharCode(a) : '';
}

const CONFUSABLE_PAIRS =
  // Cyrillic lower and upper
  'аaвbсcԁdеeһhіiјjкkӏlмmнhоoрpԛqѕsтtуyхxԝwүyɡgАaВbСcЕeНhІiЈjКkМmОoРpЅsТtХxУy' +
  // Greek lower and upper
  'αaεeιiκkνvοoρpτtυuχxΑaΒbΕeΗhΙiΚkΜmΝnΟoΡpΤtΥyΧxΖz';

export const CONFUSABLES: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  const chars = [...CONFUSABLE_PAIRS];
  for (let i = 0; i + 1 < chars.length; i += 2) m.set(chars[i] as string, chars[i + 1] as string);
  return m;
})();

/** Leetspeak digits and symbols, read as letters only inside words that also hold letters. */
export const LEET: ReadonlyMap<string, string> = new Map([
  ['0', 'o'],
  ['1', 'i'],
  ['3', 'e'],
  ['4', 'a'],
  ['5', 's'],
  ['7', 't'],
  ['8', 'b'],
  ['9', 'g'],
  ['@', 'a'],
  ['$', 's'],
  ['!', 'i'],
  ['|', 'l'],
  ['€', 'e'],
]);

/** U+0300..U+036F: combining diacritics, dropped so rules match `precedentes` and `précédentes` alike. */
export function isLatinDiacritic(cp: number): boolean {
  return cp >= 0x0300 && cp <= 0x036f;
}
