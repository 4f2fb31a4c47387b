/**
 * Renders symbolic values as short Python-like text for findings:
 * `os.system('touch /tmp/x')`. Bounded in depth, items and length, and
 * cycle-safe (pickles can build self-referencing containers).
 */
import { PyBigInt, PyBytes, PyDict, PyFloat, PyGlobal, PyList, PyObject, PySet, PyStr, PyTuple, PyUnknown, type PyValue } from './values.js';

const MAX_ITEMS = 6;
const MAX_DEPTH = 4;
const MAX_LEN = 240;

function bytesRepr(b: PyBytes): string {
  if (b.kind === 'buffer') return '<out-of-band buffer>';
  if (b.data === undefined) return `<${b.kind} of ${b.length} bytes>`;
  let s = '';
  for (const c of b.data.subarray(0, 48)) {
    s += c >= 0x20 && c < 0x7f && c !== 0x27 && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  const more = b.data.length > 48 ? `…(${b.length} bytes)` : '';
  return b.kind === 'bytearray' ? `bytearray(b'${s}'${more})` : `b'${s}'${more}`;
}

function pyStr(s: string): string {
  const cut = s.length > 80 ? s.slice(0, 80) : s;
  let out = '';
  for (const ch of cut) {
    const c = ch.codePointAt(0) as number;
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (c === 0x0a) out += '\\n';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return s.length > 80 ? `'${out}'…(${s.length} chars)` : `'${out}'`;
}

export function render(v: PyValue | undefined, depth = 0, seen: Set<object> = new Set()): string {
  if (v === undefined) return '?';
  if (v === null) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'number':
    case 'bigint':
      return String(v);
    case 'string':
      return pyStr(v);
    default:
      break;
  }
  if (v instanceof PyFloat) return Number.isInteger(v.v) ? `${v.v}.0` : String(v.v);
  if (v instanceof PyBigInt) return `<int of ${v.nbytes} bytes>`;
  if (v instanceof PyStr) return `${pyStr(v.prefix)}…(${v.length} bytes)`;
  if (v instanceof PyBytes) return bytesRepr(v);
  if (v instanceof PyGlobal) return v.full;
  if (v instanceof PyUnknown) return '<unknown>';
  if (seen.has(v)) return '<cycle>';
  if (depth >= MAX_DEPTH) return '…';
  seen.add(v);
  try {
    if (v instanceof PyObject) return renderObject(v, depth, seen);
    if (v instanceof PyDict) {
      const parts = v.entries.slice(0, MAX_ITEMS).map(([k, x]) => `${render(k, depth + 1, seen)}: ${render(x, depth + 1, seen)}`);
      if (v.count > MAX_ITEMS) parts.push(`…(${v.count} items)`);
      return `{${parts.join(', ')}}`;
    }
    const items = v.items.slice(0, MAX_ITEMS).map((x) => render(x, depth + 1, seen));
    const c = v.count;
    if (c > MAX_ITEMS) items.push(`…(${c} items)`);
    if (v instanceof PyList) return `[${items.join(', ')}]`;
    if (v instanceof PySet) return `${v.frozen ? 'frozenset' : 'set'}({${items.join(', ')}})`;
    return c === 1 ? `(${items[0] ?? ''},)` : `(${items.join(', ')})`;
  } finally {
    seen.delete(v);
  }
}

function renderObject(o: PyObject, depth: number, seen: Set<object>): string {
  switch (o.origin) {
    case 'ext':
      return `<extension ${render(o.extra, depth + 1, seen)}>`;
    case 'persid':
      return `<persistent ${render(o.extra, depth + 1, seen)}>`;
    case 'buffer':
      return '<buffer>';
    case 'call':
    case 'new':
      return renderCall(o.callee, o.args, o.kwargs, o.origin, depth, seen);
  }
}

/** `callee(arg, ...)` with the argument tuple unpacked. */
export function renderCall(
  callee: PyValue | undefined,
  args: PyValue | undefined,
  kwargs?: PyValue,
  origin: 'call' | 'new' = 'call',
  depth = 0,
  seen: Set<object> = new Set(),
): string {
  const name = render(callee, depth + 1, seen);
  let inner: string;
  if (args instanceof PyTuple) {
    const items = args.items.slice(0, MAX_ITEMS).map((x) => render(x, depth + 1, seen));
    if (args.count > MAX_ITEMS) items.push(`…(${args.count} args)`);
    inner = items.join(', ');
  } else {
    inner = args === undefined ? '' : `*${render(args, depth + 1, seen)}`;
  }
  if (kwargs instanceof PyDict && kwargs.count > 0) {
    const kw = kwargs.entries.slice(0, MAX_ITEMS).map(([k, x]) => `${typeof k === 'string' ? k : render(k, depth + 1, seen)}=${render(x, depth + 1, seen)}`);
    inner = inner.length > 0 ? `${inner}, ${kw.join(', ')}` : kw.join(', ');
  }
  const text = origin === 'new' ? `${name}.__new__(${name}${inner.length > 0 ? `, ${inner}` : ''})` : `${name}(${inner})`;
  return text.length > MAX_LEN ? `${text.slice(0, MAX_LEN)}…` : text;
}
