/**
 * GraphDef, NodeDef, FunctionDef and AttrValue: the fields needed to know
 * which ops a graph runs and which functions it calls. WireField numbers are
 * TensorFlow's (tensorflow/core/framework/graph.proto, node_def.proto,
 * function.proto, attr_value.proto):
 *
 *   GraphDef           node=1 (NodeDef), library=2 (FunctionDefLibrary)
 *   NodeDef            name=1, op=2, input=3, device=4, attr=5 (map<string, AttrValue>)
 *   FunctionDefLibrary function=1 (FunctionDef)
 *   FunctionDef        signature=1 (OpDef: name=1), node_def=3 (NodeDef)
 *   AttrValue          list=1 (ListValue: s=2, func=9), s=2, func=10 (NameAttrList: name=1, attr=2)
 *
 * Tensor contents (AttrValue.tensor, the bulk of a frozen graph) are never
 * read. Repeated singular fields are all kept: the C++ parser keeps the
 * last `op`, but a scanner that judged only one could be shown another.
 */
import { ModelguardError } from '../../errors.js';
import { wireFields, wireString, WIRE_LEN } from '../../bytes/protobuf.js';
import type { WindowCursor } from '../../bytes/window.js';

export interface NodeInfo {
  name: string;
  /** Every `op` value the node carries (normally one). */
  ops: string[];
  inputs: string[];
  /** Functions named by attributes (`f`, `then_branch`, `body`...), at any depth. */
  funcs: string[];
  /** String values of the attributes that decide whether some ops reach out. */
  gated: Map<string, string[]>;
}

export interface FunctionInfo {
  name: string;
  nodes: NodeInfo[];
}

export interface GraphInfo {
  nodes: NodeInfo[];
  functions: FunctionInfo[];
}

/** Attributes whose string values are kept (see `ops.ts`). */
const GATED_ATTRS = new Set(['output_stream', 'debug_urls', 'descriptor_source', 'debug_ops_spec', 'vocab_file']);
/** Nodes plus functions decoded per file (CWE-400: a graph of that size is not a model anyone loads). */
export const MAX_NODES = 5_000_000;
/** Nesting of NameAttrList inside AttrValue (CWE-674). */
const MAX_ATTR_DEPTH = 32;
/** Inputs kept per node. */
const MAX_INPUTS = 10_000;

export class GraphBudget {
  nodes = 0;
  readonly max: number;
  constructor(max = MAX_NODES) {
    this.max = max;
  }
  take(at: number): void {
    if (++this.nodes > this.max) throw new ModelguardError('E_LIMIT', `more than ${this.max} graph nodes and functions`, { offset: at });
  }
}

function nameAttrList(src: WindowCursor, start: number, end: number, out: NodeInfo, depth: number): void {
  for (const f of wireFields(src, start, end, 'NameAttrList')) {
    if (f.wire !== WIRE_LEN) continue;
    if (f.no === 1) out.funcs.push(wireString(src, f, 1024));
    else if (f.no === 2) mapEntry(src, f.at, f.at + f.length, out, depth + 1);
  }
}

function attrValue(src: WindowCursor, start: number, end: number, out: NodeInfo, key: string, depth: number): void {
  if (depth > MAX_ATTR_DEPTH) throw new ModelguardError('E_LIMIT', `attributes nested deeper than ${MAX_ATTR_DEPTH}`, { offset: start });
  const gated = GATED_ATTRS.has(key);
  for (const f of wireFields(src, start, end, 'AttrValue')) {
    if (f.wire !== WIRE_LEN) continue;
    if (f.no === 10) nameAttrList(src, f.at, f.at + f.length, out, depth);
    else if (f.no === 2 && gated) push(out.gated, key, wireString(src, f));
    else if (f.no === 1) {
      for (const g of wireFields(src, f.at, f.at + f.length, 'AttrValue.ListValue')) {
        if (g.wire !== WIRE_LEN) continue;
        if (g.no === 9) nameAttrList(src, g.at, g.at + g.length, out, depth);
        else if (g.no === 2 && gated) push(out.gated, key, wireString(src, g));
      }
    }
  }
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k) ?? [];
  if (list.length < 64) list.push(v);
  m.set(k, list);
}

/** One `map<string, AttrValue>` entry: key=1, value=2. */
function mapEntry(src: WindowCursor, start: number, end: number, out: NodeInfo, depth: number): void {
  let key = '';
  const values: [number, number][] = [];
  for (const f of wireFields(src, start, end, 'attr entry')) {
    if (f.wire !== WIRE_LEN) continue;
    if (f.no === 1) key = wireString(src, f, 256);
    else if (f.no === 2) values.push([f.at, f.at + f.length]);
  }
  for (const [s, e] of values) attrValue(src, s, e, out, key, depth);
}

export function readNode(src: WindowCursor, start: number, end: number): NodeInfo {
  const node: NodeInfo = { name: '', ops: [], inputs: [], funcs: [], gated: new Map() };
  for (const f of wireFields(src, start, end, 'NodeDef')) {
    if (f.wire !== WIRE_LEN) continue;
    switch (f.no) {
      case 1:
        node.name = wireString(src, f, 1024);
        break;
      case 2:
        node.ops.push(wireString(src, f, 256));
        break;
      case 3:
        if (node.inputs.length < MAX_INPUTS) node.inputs.push(wireString(src, f, 1024));
        break;
      case 5:
        mapEntry(src, f.at, f.at + f.length, node, 0);
        break;
      default:
        break;
    }
  }
  return node;
}

function readFunction(src: WindowCursor, start: number, end: number, budget: GraphBudget): FunctionInfo {
  const fn: FunctionInfo = { name: '', nodes: [] };
  for (const f of wireFields(src, start, end, 'FunctionDef')) {
    if (f.wire !== WIRE_LEN) continue;
    if (f.no === 1) {
      for (const g of wireFields(src, f.at, f.at + f.length, 'OpDef')) if (g.no === 1 && g.wire === WIRE_LEN) fn.name = wireString(src, g, 1024);
    } else if (f.no === 3) {
      budget.take(f.at);
      fn.nodes.push(readNode(src, f.at, f.at + f.length));
    }
  }
  return fn;
}

/** Reads a GraphDef spanning `[start, end)`. */
export function readGraph(src: WindowCursor, start: number, end: number, budget: GraphBudget, into?: GraphInfo): GraphInfo {
  const g = into ?? { nodes: [], functions: [] };
  for (const f of wireFields(src, start, end, 'GraphDef')) {
    if (f.wire !== WIRE_LEN) continue;
    if (f.no === 1) {
      budget.take(f.at);
      g.nodes.push(readNode(src, f.at, f.at + f.length));
    } else if (f.no === 2) {
      for (const h of wireFields(src, f.at, f.at + f.length, 'FunctionDefLibrary')) {
        if (h.no === 1 && h.wire === WIRE_LEN) {
          budget.take(h.at);
          g.functions.push(readFunction(src, h.at, h.at + h.length, budget));
        }
      }
    }
  }
  return g;
}
