/**
 * Reads TorchScript source (`code/<path>.py`, the serialized Python subset
 * torch.jit compiles on load) and lists what it calls. Tokenizes properly
 * (strings and comments are skipped) and never evaluates anything.
 *
 * `torch.X(...)` is the builtin operator `aten::X`; `ops.ns.X` is `ns::X`;
 * `__torch__.*` are the archive's own classes and functions.
 */

export interface CodeCall {
  /** Operator or name as `ns::name` (`aten::conv2d`, `prim::RaiseException`) or a dotted name. */
  op: string;
  /** 1-based line in the file. */
  line: number;
}

export interface CodeAnalysis {
  ops: Set<string>;
  /** Calls that touch files or processes, or leave the standard namespaces. */
  dangerous: { op: string; line: number; why: string }[];
}

/** Operator namespaces every torch build has. */
const STANDARD_NS = new Set([
  'aten',
  'prim',
  'quantized',
  '_quantized',
  'profiler',
  '_caffe2',
  'prepacked',
  'mkldnn',
  'mkldnn_prepacked',
  'cuda',
  'xnnpack',
  '_test',
]);

/** aten operators that read or write files (torch.from_file with shared=True writes). */
const FILE_OPS = new Set(['from_file', 'load', 'save', '_load_for_mobile', '_save_for_mobile', '_load_parameters', 'import_ir_module']);

/** Python builtins that are not TorchScript builtins and only appear in attacks. */
const PY_BUILTINS = new Set(['open', 'eval', 'exec', 'compile', '__import__', 'input', 'breakpoint', 'execfile', 'globals', 'locals', 'vars']);

const TOKEN = /\s+|#[^\n]*|[rRbBfFuU]{0,2}('''|"""|'|")|[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*|\(|[^\sA-Za-z_(]+/y;

/** Skips a string literal starting at `i` (after its prefix); returns the index after it. */
function skipString(src: string, i: number, quote: string): number {
  let j = i + quote.length;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (src.startsWith(quote, j)) return j + quote.length;
    if (quote.length === 1 && c === '\n') return j;
    j++;
  }
  return j;
}

export function analyzeTorchScript(src: string): CodeAnalysis {
  const ops = new Set<string>();
  const dangerous: CodeAnalysis['dangerous'] = [];
  let i = 0;
  let line = 1;
  let prevDot = false;
  while (i < src.length) {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(src);
    if (m === null) {
      i++;
      continue;
    }
    const tok = m[0];
    if (m[1] !== undefined) {
      const start = i + tok.length - m[1].length;
      const end = skipString(src, start, m[1]);
      line += countLines(src, i, end);
      i = end;
      prevDot = false;
      continue;
    }
    line += countLines(src, i, i + tok.length);
    i += tok.length;
    if (/^[A-Za-z_]/.test(tok) && !prevDot) {
      const name = tok.replace(/\s+/g, '');
      const isCall = /^\s*\(/.test(src.slice(i, i + 64));
      classify(name, isCall, line, ops, dangerous);
    }
    prevDot = tok.endsWith('.');
  }
  return { ops, dangerous };
}

function countLines(s: string, from: number, to: number): number {
  let n = 0;
  for (let k = s.indexOf('\n', from); k >= 0 && k < to; k = s.indexOf('\n', k + 1)) n++;
  return n;
}

function classify(name: string, isCall: boolean, line: number, ops: Set<string>, dangerous: CodeAnalysis['dangerous']): void {
  const parts = name.split('.');
  let ns: string | undefined;
  let op: string | undefined;
  if (parts[0] === 'torch' && parts[1] === 'ops' && parts.length >= 4) {
    ns = parts[2];
    op = parts.slice(3).join('.');
  } else if (parts[0] === 'ops' && parts.length >= 3) {
    ns = parts[1];
    op = parts.slice(2).join('.');
  } else if (parts[0] === 'torch' && parts[1] === 'classes' && parts.length >= 4) {
    const cns = parts[2] as string;
    ops.add(`class ${cns}::${parts.slice(3).join('.')}`);
    if (!STANDARD_NS.has(cns)) dangerous.push({ op: name, line, why: `custom class namespace '${cns}' (native code outside torch)` });
    return;
  } else if (parts[0] === 'torch' && parts.length >= 2) {
    ns = 'aten';
    op = parts.slice(1).join('.');
  } else if (parts.length === 1 && isCall && PY_BUILTINS.has(name)) {
    ops.add(name);
    dangerous.push({ op: name, line, why: 'a Python builtin that runs code or touches files (not a TorchScript builtin)' });
    return;
  } else {
    return;
  }
  if (ns === undefined) return;
  const qualified = `${ns}::${op}`;
  ops.add(qualified);
  if (!STANDARD_NS.has(ns)) {
    dangerous.push({ op: qualified, line, why: `operator namespace '${ns}' is outside aten/prim/quantized (a custom native library)` });
  } else if (FILE_OPS.has(op) || op.startsWith('_jit') || op === 'PythonOp') {
    dangerous.push({ op: qualified, line, why: op === 'PythonOp' ? 'calls back into Python' : 'reads or writes files' });
  }
}
