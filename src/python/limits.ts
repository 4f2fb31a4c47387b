/**
 * Limits of the Python reader, each with the weakness it defends against.
 * Hitting one is a `PyLimitError`: the source is not analysed, and the
 * caller reports it as unscannable, never as clean.
 */

/** Characters of source read (CWE-400: CPU and memory exhaustion). Model code is kilobytes; a fx graph of a large model is a few MiB. */
export const MAX_SOURCE_CHARS = 16 * 1024 * 1024;
/** Tokens produced for one source (CWE-400). */
export const MAX_TOKENS = 4_000_000;
/** Open brackets at once (CWE-674: the parser recurses per bracket). CPython's own parser stops at 200. */
export const MAX_BRACKET_DEPTH = 200;
/** Indentation levels (CWE-674). CPython's tokenizer stops at 100. */
export const MAX_INDENT_DEPTH = 100;
/** Nesting of expressions and statements in the parser (CWE-674: uncontrolled recursion). */
export const MAX_PARSE_DEPTH = 400;
/** f-string replacement fields nested inside f-strings (CWE-674). */
export const MAX_FSTRING_DEPTH = 8;
/** AST nodes built for one source (CWE-400). */
export const MAX_NODES = 4_000_000;
