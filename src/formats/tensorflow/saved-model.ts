/**
 * SavedModel (`saved_model.pb`) and Keras SavedModel metadata
 * (`keras_metadata.pb`): the fields that decide what loading runs. WireField
 * numbers are TensorFlow's (saved_model.proto, meta_graph.proto,
 * saver.proto, saved_object_graph.proto) and Keras'
 * (keras/protobuf/saved_metadata.proto):
 *
 *   SavedModel        saved_model_schema_version=1, meta_graphs=2 (MetaGraphDef)
 *   MetaGraphDef      meta_info_def=1 (tags=4, tensorflow_version=5), graph_def=2,
 *                     saver_def=3 (filename_tensor_name=1, save_tensor_name=2, restore_op_name=3),
 *                     signature_def=5 (map), asset_file_def=6 (filename=2), object_graph_def=7
 *   SavedObjectGraph  nodes=1 (SavedObject)
 *   SavedObject       user_object=4 (identifier=1, metadata=3), function=6 (concrete_functions=1),
 *                     bare_concrete_function=8 (concrete_function_name=1),
 *                     saveable_objects=11 (map<string, SaveableObject{save_function=2, restore_function=3}>)
 *   SavedMetadata     nodes=1 (SavedObject: node_path=3, identifier=4, metadata=5)
 */
import { ModelguardError } from '../../errors.js';
import { GraphBudget, readGraph, type GraphInfo } from './graph.js';
import { wireFields, wireString, WIRE_LEN, WIRE_VARINT, type WireField } from '../../bytes/protobuf.js';
import type { WindowCursor } from '../../bytes/window.js';

/** Bytes of one Keras metadata JSON string read (the Keras config limit). */
const MAX_METADATA_BYTES = 64 * 1024 * 1024;

export interface KerasMetadata {
  where: string;
  identifier: string;
  json: string;
}

export interface MetaGraphInfo {
  tags: string[];
  tfVersion: string | undefined;
  graph: GraphInfo;
  /** Node names the SaverDef names (the save and restore entry points). */
  saverRoots: string[];
  /** Concrete functions that SavedObjectGraph names as save/restore functions. */
  saverFunctions: string[];
  assets: string[];
  signatures: string[];
  keras: KerasMetadata[];
}

export interface SavedModelInfo {
  schemaVersion: number | undefined;
  metaGraphs: MetaGraphInfo[];
}

function strings(src: WindowCursor, start: number, end: number, what: string, want: number): string[] {
  const out: string[] = [];
  for (const f of wireFields(src, start, end, what)) if (f.no === want && f.wire === WIRE_LEN) out.push(wireString(src, f, 4096));
  return out;
}

function sub(src: WindowCursor, f: WireField, what: string): Generator<WireField> {
  return wireFields(src, f.at, f.at + f.length, what);
}

function metadataString(src: WindowCursor, f: WireField): string {
  if (f.length > MAX_METADATA_BYTES)
    throw new ModelguardError('E_LIMIT', `Keras metadata of ${f.length} bytes (limit ${MAX_METADATA_BYTES})`, { offset: f.at });
  return wireString(src, f, MAX_METADATA_BYTES);
}

interface ObjectNode {
  functions: string[];
  saveRefs: number[];
}

function readObjectGraph(src: WindowCursor, f: WireField, meta: MetaGraphInfo): void {
  const nodes: ObjectNode[] = [];
  for (const n of sub(src, f, 'SavedObjectGraph')) {
    if (n.no !== 1 || n.wire !== WIRE_LEN) continue;
    const node: ObjectNode = { functions: [], saveRefs: [] };
    const index = nodes.length;
    nodes.push(node);
    for (const k of sub(src, n, 'SavedObject')) {
      if (k.wire !== WIRE_LEN) continue;
      if (k.no === 4) {
        let identifier = '';
        let json: string | undefined;
        for (const u of sub(src, k, 'SavedUserObject')) {
          if (u.wire !== WIRE_LEN) continue;
          if (u.no === 1) identifier = wireString(src, u, 256);
          else if (u.no === 3 && u.length > 0) json = metadataString(src, u);
        }
        if (json !== undefined) meta.keras.push({ where: `object ${index}`, identifier, json });
      } else if (k.no === 6) {
        node.functions.push(...strings(src, k.at, k.at + k.length, 'SavedFunction', 1));
      } else if (k.no === 8) {
        node.functions.push(...strings(src, k.at, k.at + k.length, 'SavedBareConcreteFunction', 1));
      } else if (k.no === 11) {
        for (const e of sub(src, k, 'saveable_objects entry')) {
          if (e.no !== 2 || e.wire !== WIRE_LEN) continue;
          for (const s of sub(src, e, 'SaveableObject')) {
            if ((s.no === 2 || s.no === 3) && s.wire === WIRE_VARINT && s.varint < 0x7fffffffn) node.saveRefs.push(Number(s.varint));
          }
        }
      }
    }
  }
  for (const n of nodes) for (const r of n.saveRefs) meta.saverFunctions.push(...(nodes[r]?.functions ?? []));
}

function readMetaGraph(src: WindowCursor, start: number, end: number, budget: GraphBudget): MetaGraphInfo {
  const meta: MetaGraphInfo = {
    tags: [],
    tfVersion: undefined,
    graph: { nodes: [], functions: [] },
    saverRoots: [],
    saverFunctions: [],
    assets: [],
    signatures: [],
    keras: [],
  };
  for (const f of wireFields(src, start, end, 'MetaGraphDef')) {
    if (f.wire !== WIRE_LEN) continue;
    switch (f.no) {
      case 1:
        for (const g of sub(src, f, 'MetaInfoDef')) {
          if (g.wire !== WIRE_LEN) continue;
          if (g.no === 4) meta.tags.push(wireString(src, g, 256));
          else if (g.no === 5) meta.tfVersion = wireString(src, g, 64);
        }
        break;
      case 2:
        // Repeated singular messages merge in the C++ parser: every graph_def adds its nodes.
        readGraph(src, f.at, f.at + f.length, budget, meta.graph);
        break;
      case 3:
        for (const g of sub(src, f, 'SaverDef')) if (g.no >= 1 && g.no <= 3 && g.wire === WIRE_LEN) meta.saverRoots.push(wireString(src, g, 1024));
        break;
      case 5:
        meta.signatures.push(...strings(src, f.at, f.at + f.length, 'signature_def entry', 1));
        break;
      case 6:
        meta.assets.push(...strings(src, f.at, f.at + f.length, 'AssetFileDef', 2));
        break;
      case 7:
        readObjectGraph(src, f, meta);
        break;
      default:
        break;
    }
  }
  return meta;
}

/** Reads a whole SavedModel. */
export function readSavedModel(src: WindowCursor): SavedModelInfo {
  const out: SavedModelInfo = { schemaVersion: undefined, metaGraphs: [] };
  const budget = new GraphBudget();
  for (const f of wireFields(src, 0, src.end, 'SavedModel')) {
    if (f.no === 1 && f.wire === WIRE_VARINT) out.schemaVersion = Number(f.varint & 0xffffn);
    else if (f.no === 2 && f.wire === WIRE_LEN) out.metaGraphs.push(readMetaGraph(src, f.at, f.at + f.length, budget));
  }
  return out;
}

/** Reads `keras_metadata.pb` (SavedMetadata): the Keras JSON of every object. */
export function readKerasMetadata(src: WindowCursor): KerasMetadata[] {
  const out: KerasMetadata[] = [];
  for (const f of wireFields(src, 0, src.end, 'SavedMetadata')) {
    if (f.no !== 1 || f.wire !== WIRE_LEN) continue;
    let path = '';
    let identifier = '';
    let json: string | undefined;
    for (const g of sub(src, f, 'SavedMetadata.SavedObject')) {
      if (g.wire !== WIRE_LEN) continue;
      if (g.no === 3) path = wireString(src, g, 1024);
      else if (g.no === 4) identifier = wireString(src, g, 256);
      else if (g.no === 5 && g.length > 0) json = metadataString(src, g);
    }
    if (json !== undefined) out.push({ where: path === '' ? `object ${out.length}` : path, identifier, json });
  }
  return out;
}
