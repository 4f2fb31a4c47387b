/**
 * The official ONNX schema, loaded into protobufjs (the light build: no
 * .proto parser at run time) from the JSON descriptor generated from
 * `schema/onnx.proto` by `scripts/gen-onnx-schema.mjs`.
 *
 * The wire walker takes its field numbers from here by name, so a typo is
 * a start-up error, not a silently skipped field; small leaf messages
 * (`OperatorSetIdProto`, `StringStringEntryProto`) are decoded with
 * protobufjs itself once their length has been checked.
 */
import protobuf from 'protobufjs/light.js';
import { ModelguardError } from '../../errors.js';
import { ONNX_SCHEMA } from './schema/onnx-schema.generated.js';

const root = protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace);

export function messageType(name: string): protobuf.Type {
  return root.lookupType(`onnx.${name}`);
}

/** Field numbers of `message` by field name; throws at start-up if the schema lacks one. */
export function fieldIds<const K extends string>(message: string, names: readonly K[]): Record<K, number> {
  const t = messageType(message);
  const out = {} as Record<K, number>;
  for (const n of names) {
    const f = t.fields[n];
    if (f === undefined) throw new Error(`onnx.proto has no field ${message}.${n}`);
    out[n] = f.id;
  }
  return out;
}

export const MODEL = fieldIds('ModelProto', [
  'ir_version',
  'producer_name',
  'producer_version',
  'domain',
  'graph',
  'opset_import',
  'training_info',
  'functions',
]);
export const GRAPH = fieldIds('GraphProto', ['node', 'name', 'initializer', 'sparse_initializer']);
export const NODE = fieldIds('NodeProto', ['op_type', 'domain', 'name', 'attribute']);
export const ATTRIBUTE = fieldIds('AttributeProto', ['name', 't', 'g', 'tensors', 'graphs', 'sparse_tensor', 'sparse_tensors']);
export const TENSOR = fieldIds('TensorProto', ['name', 'dims', 'data_type', 'raw_data', 'external_data', 'data_location']);
export const SPARSE_TENSOR = fieldIds('SparseTensorProto', ['values', 'indices']);
export const TRAINING_INFO = fieldIds('TrainingInfoProto', ['initialization', 'algorithm']);
export const FUNCTION = fieldIds('FunctionProto', ['name', 'domain', 'node', 'opset_import']);

/** `TensorProto.DataLocation.EXTERNAL`. */
export const DATA_LOCATION_EXTERNAL = messageType('TensorProto').lookupEnum('DataLocation').values['EXTERNAL'] ?? 1;

const opsetType = messageType('OperatorSetIdProto');
const entryType = messageType('StringStringEntryProto');

export interface OpsetImport {
  domain: string;
  version: number;
}

/** protobufjs throws plain Errors on bad input; callers get `E_MALFORMED` with the offset. */
function decode(type: protobuf.Type, bytes: Uint8Array, offset: number): Record<string, unknown> {
  try {
    return type.toObject(type.decode(bytes), { longs: Number, defaults: true });
  } catch (e) {
    throw new ModelguardError('E_MALFORMED', `${type.name} at offset ${offset}: ${e instanceof Error ? e.message : String(e)}`, { offset, cause: e });
  }
}

export function decodeOpset(bytes: Uint8Array, offset: number): OpsetImport {
  const m = decode(opsetType, bytes, offset);
  return { domain: typeof m['domain'] === 'string' ? m['domain'] : '', version: typeof m['version'] === 'number' ? m['version'] : 0 };
}

export function decodeEntry(bytes: Uint8Array, offset: number): { key: string; value: string } {
  const m = decode(entryType, bytes, offset);
  return { key: typeof m['key'] === 'string' ? m['key'] : '', value: typeof m['value'] === 'string' ? m['value'] : '' };
}
