/** Tokens of the Python tokenizer (the kinds of CPython's `tokenize`, less comments and non-logical newlines). */

export type TokenKind = 'name' | 'number' | 'string' | 'op' | 'newline' | 'indent' | 'dedent' | 'end';

/** A replacement field of an f-string: the expression's source and where it starts. */
export interface FieldSource {
  readonly src: string;
  readonly line: number;
  readonly col: number;
}

export interface Token {
  readonly kind: TokenKind;
  /** The token's text (for strings: the decoded value; for indent/dedent/newline/end: ''). */
  readonly text: string;
  /** 1-based position of the first character. */
  readonly line: number;
  readonly col: number;
  /** Strings: the prefix letters, lowercased (`rb`, `f`, ``). */
  readonly prefix?: string;
  /** f-strings: the replacement fields (their expressions are parsed by the parser). */
  readonly fields?: readonly FieldSource[];
  /** Strings: the value is not fully known (an escape this reader does not decode, such as `\N{...}`). */
  readonly inexact?: boolean;
}
