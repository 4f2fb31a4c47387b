/**
 * Reads TorchScript source (`code/<path>.py`, the serialized Python subset
 * torch.jit compiles on load) with the bounded Python parser and lists what
 * it calls. Never evaluates anything.
 *
 * `torch.X(...)` is the builtin operator `aten::X`; `ops.ns.X` is `ns::X`;
 * `__torch__.*` are the archive's own classes and functions. torch.jit.load
 * resolves `torch` as the builtin module `aten`, and `torch.autograd` as that
 * same module again (import_source.cpp, `BuiltinModule::attr`), so
 * `torch.autograd.save` is `aten::save`. An operator named without a call is
 * still reached: `fork(torch.save, x, path)` calls it.
 */

import type { Expr, Stmt } from '../../python/ast.js';
import { analyseModule } from '../../python/analyse.js';
import { parseModule } from '../../python/parser.js';
import type { Policy } from '../../python-globals/policy.js';
import { isSinkName, sinkNameUses } from './torchscript-sinks.js';

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
  /** What keeps the code from being vouched for without being dangerous (a computed attribute name). */
  doubts: string[];
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

/** Python builtins that are not TorchScript builtins and only appear in attacks. */
const PY_BUILTINS = new Set(['open', 'eval', 'exec', 'compile', '__import__', 'input', 'breakpoint', 'execfile', 'globals', 'locals', 'vars']);

/**
 * Parses the source (`src/python/`) and lists the operators it calls; every
 * name it reaches is also judged with the pickle policy's tables, so a call
 * that reaches a sink is dangerous whatever namespace it is spelled in.
 * Throws the reader's typed errors (`PySyntaxError`, `PyLimitError`).
 */
export function analyzeTorchScript(src: string, policy: Policy): CodeAnalysis {
  const ops = new Set<string>();
  const dangerous: CodeAnalysis['dangerous'] = [];
  const mod = parseModule(src);
  walkCalls(mod.body, (name, line, isCall) => {
    classify(name, isCall, line, ops, dangerous);
  });
  dangerous.push(...sinkNameUses(mod.body));
  const seen = new Set<string>();
  const unique = dangerous.filter((d) => {
    const k = `${d.op}@${d.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  dangerous.length = 0;
  dangerous.push(...unique.sort((x, y) => x.line - y.line));
  // `torch.X` in TorchScript is the operator aten::X, judged by `classify`, not the Python function of that
  // name; what the tables judge is everything else the code reaches (builtins, names it imports by name).
  const a = analyseModule(mod, { policy, strict: false });
  const doubts: string[] = [];
  for (const f of a.findings) {
    if (f.severity !== 'malicious') {
      if (!dangerous.some((d) => d.line === f.line)) doubts.push(`line ${f.line}: ${f.why}`);
    } else if (!dangerous.some((d) => d.line === f.line)) dangerous.push({ op: f.call, line: f.line, why: f.why });
  }
  return { ops, dangerous, doubts };
}

function classify(name: string, isCall: boolean, line: number, ops: Set<string>, dangerous: CodeAnalysis['dangerous']): void {
  const parts = withoutBuiltinAliases(name.split('.'));
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
    // A plain reference (an annotation such as torch.Tensor) is listed only when it names a sink.
    if (!isCall && !isSinkOp(op)) return;
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
  } else if (isSinkOp(op)) {
    dangerous.push({ op: qualified, line, why: op.split('.').includes('PythonOp') ? 'calls back into Python' : 'reads or writes files' });
  }
}

/** Whether an operator name (any component, so an overload or an attribute chain counts) is a file, JIT or Python sink. */
function isSinkOp(op: string): boolean {
  return op.split('.').some(isSinkName);
}

/**
 * The name with the spellings torch.jit.load resolves to the same builtin module removed:
 * `torch.autograd[.autograd…].X` is `torch.X`, and the archive's class namespace
 * `__torch__.torch.classes.ns.C` is the custom class `torch.classes.ns.C`.
 */
function withoutBuiltinAliases(parts: string[]): string[] {
  if (parts[0] === '__torch__' && parts[1] === 'torch' && parts[2] === 'classes') return parts.slice(1);
  if (parts[0] !== 'torch') return parts;
  let i = 1;
  while (parts[i] === 'autograd' && i < parts.length - 1) i++;
  return ['torch', ...parts.slice(i)];
}

/** The dotted name of an attribute chain of names (`torch.ops.aten.add`), or undefined. */
function dotted(e: Expr): string | undefined {
  const parts: string[] = [];
  let cur = e;
  while (cur.k === 'attr' && parts.length < MAX_DOTTED) {
    parts.push(cur.attr);
    cur = cur.value;
  }
  if (cur.k !== 'name') return undefined;
  parts.push(cur.id);
  return parts.reverse().join('.');
}

/** Components of a dotted name followed (operator names have four). */
const MAX_DOTTED = 64;

/** Calls every callee spelled as a dotted name, anywhere in the statements (iterative: depth is the parser's). */
function walkCalls(body: Stmt[], onCall: (name: string, line: number, isCall: boolean) => void): void {
  const stack: unknown[] = [...body];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) {
      stack.push(...(n as unknown[]));
      continue;
    }
    if (typeof n !== 'object' || n === null) continue;
    const node = n as Record<string, unknown>;
    if (node.k === 'call') {
      const name = dotted((node as unknown as Extract<Expr, { k: 'call' }>).func);
      if (name !== undefined) onCall(name, node.line as number, true);
    } else if (node.k === 'attr') {
      // Operator and class namespaces count wherever they are named (annotations, values).
      const name = dotted(node as unknown as Expr);
      if (name !== undefined && /^(torch|ops|__torch__\.torch\.classes)\./.test(name)) onCall(name, node.line as number, false);
    }
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
}

/**
 * Whether an operator (`ns::name`) or custom class (`class ns::Name`) is one every torch build registers: a standard
 * namespace (the quantized packed-parameter classes a scripted quantized model names are torch's own), not a Python builtin.
 */
export function isStandardOp(op: string): boolean {
  const name = op.startsWith('class ') ? op.slice('class '.length) : op;
  const sep = name.indexOf('::');
  return sep > 0 && STANDARD_NS.has(name.slice(0, sep));
}
