/** Builds pickle opcode streams for tests: each helper returns the bytes of opcodes that push one value. */

export type Part = string | Uint8Array;

export function bytes(...parts: Part[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))));
}

/** BINUNICODE. */
export function str(s: string): Uint8Array {
  const b = Buffer.from(s, 'utf8');
  const n = Buffer.alloc(4);
  n.writeUInt32LE(b.length);
  return bytes('X', n, b);
}

/** GLOBAL (protocol 0-3 spelling) or STACK_GLOBAL (protocol 4). */
export function global(module: string, name: string, stack = false): Uint8Array {
  return stack ? bytes(str(module), str(name), '\x93') : bytes(`c${module}\n${name}\n`);
}

/** A whole protocol-2 (or 4) pickle around `body`, which leaves one value on the stack. */
export function pickle(body: Part, proto = 2): Uint8Array {
  return bytes(new Uint8Array([0x80, proto]), body, '.');
}

/** A dict with the given (key, value) opcode pairs. */
export function dict(...pairs: [Part, Part][]): Uint8Array {
  return bytes('}', ...(pairs.length === 0 ? [] : ['(', ...pairs.flat(), 'u']));
}

/** callee(*args) through REDUCE. */
export function reduce(callee: Part, ...args: Part[]): Uint8Array {
  return bytes(callee, '(', ...args, 't', 'R');
}

/** cls.__new__(cls) through NEWOBJ. */
export function newobj(cls: Part): Uint8Array {
  return bytes(cls, ')', '\x81');
}

/** getattr(receiver, name): a bound method as pickle writes one. */
export function boundMethod(receiver: Part, name: string): Uint8Array {
  return reduce(global('builtins', 'getattr'), receiver, str(name));
}
