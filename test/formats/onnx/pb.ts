/** A minimal protobuf encoder for building hostile ONNX inputs inside the tests. */
export function varint(v: number | bigint): number[] {
  let n = BigInt(v);
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return out;
}

export const int = (id: number, v: number | bigint): number[] => [...varint((id << 3) | 0), ...varint(v)];
export const bytes = (id: number, payload: ArrayLike<number>): number[] => [...varint((id << 3) | 2), ...varint(payload.length), ...Array.from(payload)];
export const str = (id: number, s: string): number[] => bytes(id, new TextEncoder().encode(s));
export const msg = (id: number, ...fields: number[][]): number[] => bytes(id, fields.flat());

/** StringStringEntryProto. */
export const entry = (key: string, value: string): number[] => msg(13, str(1, key), str(2, value));

/** TensorProto with external data (data_location = EXTERNAL unless `external` is false). */
export function externalTensor(name: string, entries: [string, string][], external = true): number[][] {
  return [int(1, 4), int(2, 1), str(8, name), ...entries.map(([k, v]) => entry(k, v)), ...(external ? [int(14, 1)] : [])];
}

/** A ModelProto: ir_version 8, a graph with the given fields, opset ai.onnx 13. */
export function model(...graphFields: number[][]): Uint8Array {
  return Uint8Array.from([...int(1, 8), ...str(2, 'test'), ...msg(7, str(2, 'g'), ...graphFields), ...msg(8, str(1, ''), int(2, 13))]);
}

/** GraphProto.node */
export const node = (opType: string, domain = '', ...extra: number[][]): number[] => msg(1, str(4, opType), str(7, domain), ...extra);
/** GraphProto.initializer */
export const initializer = (...tensorFields: number[][]): number[] => msg(5, ...tensorFields);
