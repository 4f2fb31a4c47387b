/**
 * Recognising an ONNX model without protobufjs: the wire type of each
 * `ModelProto` field is written out here (a test checks it against the
 * official schema), so sniffing every file costs no schema load.
 */
import { BufferSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { Probe } from '../format.js';
import { WIRE_LEN, WIRE_VARINT } from '../../bytes/protobuf.js';

/** Wire type of each ModelProto field, as in the schema (varint for its integers, length-delimited otherwise). */
export const MODEL_WIRE: ReadonlyMap<number, number> = new Map([
  [1, WIRE_VARINT], // ir_version
  [2, WIRE_LEN], // producer_name
  [3, WIRE_LEN], // producer_version
  [4, WIRE_LEN], // domain
  [5, WIRE_VARINT], // model_version
  [6, WIRE_LEN], // doc_string
  [7, WIRE_LEN], // graph
  [8, WIRE_LEN], // opset_import
  [14, WIRE_LEN], // metadata_props
  [20, WIRE_LEN], // training_info
  [25, WIRE_LEN], // functions
  [26, WIRE_LEN], // configuration
]);

/**
 * ONNX files are ModelProto messages: every field in the sniff window must be
 * a ModelProto field with its schema's wire type, `ir_version` (when present)
 * must be plausible, and there must be at least two fields or a graph.
 * Serializers write `ir_version` first, but loaders accept any field order.
 */
/**
 * First byte of every ModelProto field tag (`id << 3 | wire`, varint-encoded:
 * fields 16 and up take two bytes whose first has the high bit set). Most
 * files fail this before any parsing.
 */
const FIRST_TAG_BYTES: ReadonlySet<number> = new Set(
  [...MODEL_WIRE].map(([id, wire]) => {
    const tag = (id << 3) | wire;
    return tag > 0x7f ? (tag & 0x7f) | 0x80 : tag;
  }),
);

export function sniffOnnx(probe: Probe): boolean {
  const h = probe.head;
  if (h.length < 4 || !FIRST_TAG_BYTES.has(h[0] as number) || looksLikeText(h)) return false;
  try {
    const cur = new WindowCursor(new BufferSource(h));
    let fields = 0;
    let graph = false;
    // IR versions 1-2 predate opset imports (2017). A TensorFlow SavedModel
    // (schema_version 1, then meta_graphs) has the same first two wire fields,
    // so such a file is claimed only when its graph shows up in the window.
    let ancient = false;
    while (cur.pos < h.length) {
      const tag = cur.varint();
      const id = Number(tag >> 3n);
      const wire = Number(tag & 7n);
      if (MODEL_WIRE.get(id) !== wire) return false;
      fields++;
      if (wire === WIRE_VARINT) {
        const v = cur.varint();
        if (id === 1 && (v < 1n || v > 100n)) return false;
        if (id === 1 && v < 3n) ancient = true;
        continue;
      }
      if (id === 7) graph = true;
      const len = cur.varint();
      // A field reaching past the window (or past the end: a broken model is still claimed so the
      // break is reported) ends the check.
      if (BigInt(cur.pos) + len >= BigInt(h.length)) return ancient ? graph : fields >= 2 || graph;
      cur.skip(Number(len));
    }
    return ancient ? graph : fields >= 2;
  } catch {
    return false;
  }
}

/** Text files can pass as a few protobuf fields; a model has tags and lengths outside printable ASCII early on. */
function looksLikeText(h: Uint8Array): boolean {
  const n = Math.min(h.length, 64);
  for (let i = 0; i < n; i++) {
    const c = h[i] as number;
    if (!(c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0x7e))) return false;
  }
  return true;
}
