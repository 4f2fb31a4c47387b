/**
 * Walks an ONNX `ModelProto` on the wire: graphs, nodes, attributes
 * (subgraphs of If/Loop/Scan, constant tensors), initializers, sparse
 * initializers, training graphs and model-local functions, collecting what
 * the security checks need. Tensor payloads (`raw_data`, `float_data`...)
 * are skipped by length; only names, domains, opsets and external-data
 * entries are read. Results accumulate in `model` as the walk goes, so a
 * caller keeps everything found before a malformed field.
 */
import { ModelguardError } from '../../errors.js';
import type { WindowCursor } from '../../bytes/window.js';
import {
  ATTRIBUTE,
  DATA_LOCATION_EXTERNAL,
  FUNCTION,
  GRAPH,
  MODEL,
  NODE,
  SPARSE_TENSOR,
  TENSOR,
  TRAINING_INFO,
  decodeEntry,
  decodeOpset,
  type OpsetImport,
} from './schema.js';
import { WIRE_VARINT, type WireField } from '../../bytes/protobuf.js';
import { forEachField, readSmall, readText } from './wire.js';

/** Longest name, domain or op type read; longer ones are shown by length only. */
const MAX_NAME_BYTES = 4096;
/** Largest `OperatorSetIdProto` / `StringStringEntryProto` decoded (a path is far smaller). */
const MAX_ENTRY_BYTES = 1 << 16;

export interface ExternalRef {
  tensor: string;
  /** Every `location` entry (more than one is ambiguous: loaders take different ones). */
  locations: string[];
  offset?: string;
  length?: string;
  /** `data_location == EXTERNAL`: loaders only follow the reference then. */
  external: boolean;
  /** File offset of the TensorProto. */
  at: number;
  /** Where the tensor sits: `graph/initializer`, `graph/node If_0.then_branch/...`. */
  path: string;
}

export interface OnnxModel {
  irVersion?: number;
  producer?: string;
  producerVersion?: string;
  opsets: OpsetImport[];
  graphs: number;
  nodes: number;
  initializers: number;
  inlineBytes: number;
  /** Node domain -> op types (a few per domain). */
  domains: Map<string, Set<string>>;
  /** `domain\0name` of model-local functions. */
  functions: Set<string>;
  external: ExternalRef[];
}

export function emptyModel(): OnnxModel {
  return { opsets: [], graphs: 0, nodes: 0, initializers: 0, inlineBytes: 0, domains: new Map(), functions: new Set(), external: [] };
}

export class ModelWalker {
  readonly model: OnnxModel = emptyModel();
  private readonly cur: WindowCursor;
  private readonly maxDepth: number;

  constructor(cur: WindowCursor, maxDepth: number) {
    this.cur = cur;
    this.maxDepth = maxDepth;
  }

  walk(start: number, end: number): OnnxModel {
    const m = this.model;
    this.cur.seek(start);
    forEachField(this.cur, end, 'ModelProto', (f) => {
      switch (f.no) {
        case MODEL.ir_version:
          if (f.wire === WIRE_VARINT) m.irVersion = Number(BigInt.asIntN(64, f.varint));
          break;
        case MODEL.producer_name:
          m.producer = this.text(f);
          break;
        case MODEL.producer_version:
          m.producerVersion = this.text(f);
          break;
        case MODEL.graph:
          this.graph(f, 'graph', 1);
          break;
        case MODEL.opset_import:
          m.opsets.push(decodeOpset(readSmall(this.cur, f, MAX_ENTRY_BYTES, 'opset_import'), f.at));
          break;
        case MODEL.training_info:
          this.message(f, 'TrainingInfoProto', (g) => {
            if (g.no === TRAINING_INFO.initialization || g.no === TRAINING_INFO.algorithm) this.graph(g, 'training', 2);
          });
          break;
        case MODEL.functions:
          this.func(f, 1);
          break;
        default:
          break;
      }
    });
    return m;
  }

  private text(f: WireField): string {
    return readText(this.cur, f, MAX_NAME_BYTES) ?? `<${f.length}-byte string>`;
  }

  /** Walks a nested message field. */
  private message(f: WireField, what: string, visit: (g: WireField) => void): void {
    if (f.wire !== 2) throw new ModelguardError('E_MALFORMED', `${what} field has wire type ${f.wire}`, { offset: f.at });
    this.cur.seek(f.at);
    forEachField(this.cur, f.at + f.length, what, visit);
  }

  private enter(depth: number, where: string): void {
    if (depth > this.maxDepth) {
      throw new ModelguardError('E_LIMIT', `${where}: subgraphs nested deeper than ${this.maxDepth} levels`, { offset: this.cur.pos });
    }
  }

  private graph(f: WireField, path: string, depth: number): void {
    this.enter(depth, path);
    this.model.graphs++;
    this.message(f, 'GraphProto', (g) => {
      if (g.no === GRAPH.node) this.node(g, path, depth);
      else if (g.no === GRAPH.initializer) {
        this.model.initializers++;
        this.tensor(g, `${path}/initializer`);
      } else if (g.no === GRAPH.sparse_initializer) {
        this.model.initializers++;
        this.sparse(g, `${path}/sparse_initializer`);
      }
    });
  }

  private node(f: WireField, path: string, depth: number): void {
    this.model.nodes++;
    let opType = '';
    let domain = '';
    let name = '';
    const attrs: WireField[] = [];
    this.message(f, 'NodeProto', (g) => {
      if (g.no === NODE.op_type) opType = this.text(g);
      else if (g.no === NODE.domain) domain = this.text(g);
      else if (g.no === NODE.name) name = this.text(g);
      else if (g.no === NODE.attribute) attrs.push(g);
    });
    const label = `${path}/node ${name || opType}`;
    for (const a of attrs) this.attribute(a, label, depth);
    const ops = this.model.domains.get(domain) ?? new Set<string>();
    if (ops.size < 32) ops.add(opType);
    this.model.domains.set(domain, ops);
  }

  private attribute(f: WireField, path: string, depth: number): void {
    let name = '';
    const deferred: WireField[] = [];
    this.message(f, 'AttributeProto', (g) => {
      if (g.no === ATTRIBUTE.name) name = this.text(g);
      else if (g.no === ATTRIBUTE.t || g.no === ATTRIBUTE.tensors || g.no === ATTRIBUTE.g || g.no === ATTRIBUTE.graphs) deferred.push(g);
      else if (g.no === ATTRIBUTE.sparse_tensor || g.no === ATTRIBUTE.sparse_tensors) deferred.push(g);
    });
    const where = `${path}.${name}`;
    for (const g of deferred) {
      if (g.no === ATTRIBUTE.g || g.no === ATTRIBUTE.graphs) this.graph(g, where, depth + 1);
      else if (g.no === ATTRIBUTE.t || g.no === ATTRIBUTE.tensors) this.tensor(g, where);
      else this.sparse(g, where);
    }
  }

  private sparse(f: WireField, path: string): void {
    this.message(f, 'SparseTensorProto', (g) => {
      if (g.no === SPARSE_TENSOR.values) this.tensor(g, `${path}.values`);
      else if (g.no === SPARSE_TENSOR.indices) this.tensor(g, `${path}.indices`);
    });
  }

  private tensor(f: WireField, path: string): void {
    let name = '';
    let location: bigint | undefined;
    const entries: { key: string; value: string }[] = [];
    this.message(f, 'TensorProto', (g) => {
      if (g.no === TENSOR.name) name = this.text(g);
      else if (g.no === TENSOR.raw_data) this.model.inlineBytes += g.length;
      else if (g.no === TENSOR.data_location && g.wire === WIRE_VARINT) location = g.varint;
      else if (g.no === TENSOR.external_data) entries.push(decodeEntry(readSmall(this.cur, g, MAX_ENTRY_BYTES, 'external_data entry'), g.at));
    });
    const external = location === BigInt(DATA_LOCATION_EXTERNAL);
    if (entries.length === 0 && !external) return;
    const ref: ExternalRef = { tensor: name, locations: [], external, at: f.at, path };
    for (const e of entries) {
      if (e.key === 'location') ref.locations.push(e.value);
      else if (e.key === 'offset') ref.offset = e.value;
      else if (e.key === 'length') ref.length = e.value;
    }
    this.model.external.push(ref);
  }

  private func(f: WireField, depth: number): void {
    let name = '';
    let domain = '';
    const nodes: WireField[] = [];
    this.message(f, 'FunctionProto', (g) => {
      if (g.no === FUNCTION.name) name = this.text(g);
      else if (g.no === FUNCTION.domain) domain = this.text(g);
      else if (g.no === FUNCTION.node) nodes.push(g);
    });
    this.model.functions.add(`${domain}\0${name}`);
    for (const n of nodes) this.node(n, `function ${domain}.${name}`, depth);
  }
}
