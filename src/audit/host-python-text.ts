/**
 * Python source with string contents and comments blanked out (line breaks
 * kept), so call patterns are matched on code only: `"torch.load("` in a
 * docstring is not a call, and `# weights_only=False` is not an argument.
 */
const PREFIX = /[rbuf]/i;

export function codeOnly(src: string): string {
  let out = '';
  let i = 0;
  const n = src.length;
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  while (i < n) {
    const c = src[i] as string;
    if (c === '#') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      out += blank(src.slice(i, stop));
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = src.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      const raw = i > 0 && PREFIX.test(src[i - 1] ?? '') && /r/i.test(src.slice(Math.max(0, i - 2), i));
      let j = i + quote.length;
      while (j < n) {
        if (!raw && src[j] === '\\') {
          j += 2;
          continue;
        }
        if (src.startsWith(quote, j)) break;
        if (!triple && src[j] === '\n') break;
        j++;
      }
      const end = Math.min(n, j + quote.length);
      out += quote + blank(src.slice(i + quote.length, Math.min(j, n))) + (j < n ? quote : '');
      i = end;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Longest argument list read after a call's opening parenthesis (CWE-400). */
const MAX_ARGS_CHARS = 10_000;

/** The text between the parenthesis at `open` and its match, or undefined when unbalanced. */
export function callArguments(code: string, open: number): string | undefined {
  let depth = 0;
  const stop = Math.min(code.length, open + MAX_ARGS_CHARS);
  for (let i = open; i < stop; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return code.slice(open + 1, i);
    }
  }
  return undefined;
}

export function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
