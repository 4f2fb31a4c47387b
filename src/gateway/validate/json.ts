/**
 * JSON request bodies, parsed only after a bounded pre-scan:
 * - nesting depth (CWE-674: a deeply nested body exhausts a recursive parser
 *   here or upstream);
 * - duplicate keys are refused: `JSON.parse` keeps the last, other parsers
 *   the first, so the gateway and the model server would read different
 *   requests (CWE-436, interpretation conflict);
 * - then `JSON.parse` itself for the syntax.
 */
import { refuse } from '../errors.js';

export function parseJsonBody(text: string, maxDepth: number): unknown {
  const frames: { object: boolean; keys: Set<string> | undefined; expectKey: boolean }[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      // The closing quote is the first one not escaped, i.e. not after an odd run of backslashes;
      // indexOf finds candidates natively instead of stepping through long strings one character at a time.
      let close = text.indexOf('"', i + 1);
      while (close !== -1) {
        let backslashes = 0;
        while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
        close = text.indexOf('"', close + 1);
      }
      // Unterminated: the rest is one string (JSON.parse below refuses it).
      i = close === -1 ? n + 1 : close + 1;
      const escaped = text.lastIndexOf('\\', close === -1 ? n : close) > start;
      const top = frames[frames.length - 1];
      if (top?.object === true && top.expectKey) {
        top.expectKey = false;
        let key = text.slice(start + 1, i - 1);
        if (escaped) {
          try {
            key = JSON.parse(text.slice(start, i)) as string;
          } catch {
            throw refuse(400, 'body/json', `malformed JSON string at character ${start}`, { rules: ['body/json'] });
          }
        }
        top.keys ??= new Set();
        if (top.keys.has(key))
          throw refuse(400, 'body/duplicate-key', `duplicate key ${JSON.stringify(key.slice(0, 64))} at character ${start}`, { rules: ['body/duplicate-key'] });
        top.keys.add(key);
      }
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (frames.length >= maxDepth) throw refuse(400, 'body/depth', `JSON nested deeper than ${maxDepth}`, { rules: ['body/depth'] });
      frames.push({ object: c === 0x7b, keys: undefined, expectKey: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    } else if (c === 0x2c /* , */) {
      const top = frames[frames.length - 1];
      if (top?.object === true) top.expectKey = true;
    }
    i++;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw refuse(400, 'body/json', `malformed JSON (${e instanceof Error ? e.message.slice(0, 120) : 'syntax'})`, { rules: ['body/json'] });
  }
}
