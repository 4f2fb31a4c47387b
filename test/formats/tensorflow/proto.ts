/** A tiny protobuf encoder for building hostile TensorFlow messages in tests. */

export function varint(n: number | bigint): Uint8Array {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return Uint8Array.from(out);
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A length-delimited field. */
export function len(no: number, ...payload: Uint8Array[]): Uint8Array {
  const body = cat(...payload);
  return cat(varint((no << 3) | 2), varint(body.length), body);
}

/** A varint field. */
export function vint(no: number, n: number | bigint): Uint8Array {
  return cat(varint(no << 3), varint(n));
}

export function str(no: number, s: string): Uint8Array {
  return len(no, Buffer.from(s, 'utf8'));
}

/** NodeDef{name, op, input...}. */
export function nodeDef(name: string, op: string, ...inputs: string[]): Uint8Array {
  return cat(str(1, name), str(2, op), ...inputs.map((i) => str(3, i)));
}

/** A GraphDef holding `nodes` (each a NodeDef body). */
export function graphDef(...nodes: Uint8Array[]): Uint8Array {
  return cat(...nodes.map((n) => len(1, n)));
}

/** SavedModel{schema 1, one MetaGraphDef{graph_def}}. */
export function savedModel(graph: Uint8Array, ...more: Uint8Array[]): Uint8Array {
  return cat(vint(1, 1), len(2, len(2, graph), ...more));
}
