/**
 * What in an Arrow schema a reader may execute: pyarrow before 14.0.1
 * rebuilt `arrow.py_extension_type` extension types by unpickling the
 * field's `ARROW:extension:metadata` (CVE-2023-47248), and Parquet files
 * carry the same schema base64-encoded. Those bytes are returned here to
 * be analysed as the pickle they are; everything else in a schema is
 * names, types and strings.
 */
import { ModelguardError } from '../../errors.js';
import type { FlatBuffer, Table } from './flatbuffer.js';

/** Nesting of child fields (CWE-674); Arrow's own readers allow 64. */
const MAX_FIELD_DEPTH = 64;
/** Fields and key-values visited per schema (CWE-400). */
const MAX_FIELDS = 1_000_000;

export const PY_EXTENSION = 'arrow.py_extension_type';

export interface PickledExtension {
  field: string;
  pickle: Uint8Array;
}

function metadata(fb: FlatBuffer, t: Table, index: number): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const pos = fb.field(t, index);
  if (pos === undefined) return out;
  const v = fb.vector(pos, 4, 'custom_metadata');
  if (v.len > MAX_FIELDS) throw new ModelguardError('E_LIMIT', `${v.len} key-values (limit ${MAX_FIELDS})`);
  for (let i = 0; i < v.len; i++) {
    const kv = fb.table(v.at + 4 * i, 'KeyValue');
    const k = fb.field(kv, 0);
    const val = fb.field(kv, 1);
    if (k !== undefined) out.set(fb.string(k, 'key'), val === undefined ? new Uint8Array(0) : fb.bytes(val, 'value'));
  }
  return out;
}

/** Walks the Schema table `schema` and returns the pickles its py_extension_type fields carry. */
export function pickledExtensions(fb: FlatBuffer, schema: Table): PickledExtension[] {
  const found: PickledExtension[] = [];
  let visited = 0;
  const fields = (t: Table, index: number, path: string, depth: number): void => {
    if (depth > MAX_FIELD_DEPTH) throw new ModelguardError('E_LIMIT', `Arrow fields nested deeper than ${MAX_FIELD_DEPTH}`);
    const pos = fb.field(t, index);
    if (pos === undefined) return;
    const v = fb.vector(pos, 4, 'fields');
    for (let i = 0; i < v.len; i++) {
      if (++visited > MAX_FIELDS) throw new ModelguardError('E_LIMIT', `more than ${MAX_FIELDS} Arrow fields`);
      const f = fb.table(v.at + 4 * i, 'Field');
      const namePos = fb.field(f, 0);
      const name = `${path}${namePos === undefined ? `#${i}` : fb.string(namePos, 'field name')}`;
      const meta = metadata(fb, f, 6);
      const ext = meta.get('ARROW:extension:name');
      if (ext !== undefined && new TextDecoder().decode(ext) === PY_EXTENSION) {
        found.push({ field: name, pickle: meta.get('ARROW:extension:metadata') ?? new Uint8Array(0) });
      }
      fields(f, 5, `${name}.`, depth + 1);
    }
  };
  fields(schema, 1, '', 0);
  metadata(fb, schema, 2);
  return found;
}
