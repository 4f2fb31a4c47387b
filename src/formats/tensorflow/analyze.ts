/**
 * Judging a graph's ops: every NodeDef of the graph and of every function
 * in its library (called or not: the library is what the loader
 * instantiates, and an uncalled function is one signature away from
 * running).
 *
 * Checkpoint ops (SaveV2, RestoreV2, MergeV2Checkpoints...) are in every
 * SavedModel's saver. They are expected there and only there: the saver is
 * the subgraph reachable backwards from the nodes the SaverDef names (TF1:
 * `save/restore_all`, `save/control_dependency`; TF2: the PartitionedCall
 * nodes whose functions are `__inference__traced_save_*` and
 * `__inference__traced_restore_*`), plus the functions those nodes call,
 * transitively, plus the save/restore functions of the object graph.
 * Outside it, the same ops write and delete files whenever the function
 * runs.
 */
import type { ScanContext } from '../context.js';
import type { FunctionInfo, GraphInfo, NodeInfo } from './graph.js';
import { attrReachesOut, TF_OPS, type OpReach } from './ops.js';
import { TF_REGISTERED_OPS } from './registry.js';
import { TF_RULES, type TfRuleKey } from './rules.js';

/** Findings reported per rule per file; the rest are counted in one more finding. */
const MAX_FINDINGS_PER_RULE = 25;

const RULE_OF: Record<OpReach, TfRuleKey> = {
  python: 'pythonOp',
  'file-read': 'fileOp',
  'file-write': 'fileOp',
  network: 'networkOp',
  config: 'fsConfigOp',
  summary: 'summaryOp',
  distributed: 'distributedOp',
  process: 'processOp',
  embedded: 'embeddedProgram',
  'checkpoint-read': 'checkpointRead',
  'checkpoint-write': 'checkpointWrite',
};

/** `^name`, `name:0`, `name:out:0` → `name`. */
function nodeName(ref: string): string {
  const s = ref.startsWith('^') ? ref.slice(1) : ref;
  const colon = s.indexOf(':');
  return colon < 0 ? s : s.slice(0, colon);
}

export interface SaverScope {
  nodes: Set<NodeInfo>;
  functions: Set<string>;
}

/** The saver subgraph: nodes reachable backwards from the roots, and the functions they call. */
export function saverScope(graph: GraphInfo, roots: readonly string[], rootFunctions: readonly string[]): SaverScope {
  const byName = new Map<string, NodeInfo>();
  for (const n of graph.nodes) if (!byName.has(n.name)) byName.set(n.name, n);
  const fnNames = new Set(graph.functions.map((f) => f.name));
  const fnByName = new Map<string, FunctionInfo[]>();
  for (const f of graph.functions) fnByName.set(f.name, [...(fnByName.get(f.name) ?? []), f]);
  const nodes = new Set<NodeInfo>();
  const functions = new Set<string>();
  const fnQueue: string[] = [...rootFunctions];
  const queue: string[] = roots.map(nodeName).filter((r) => r !== '');
  while (queue.length > 0) {
    const n = byName.get(queue.pop() as string);
    if (n === undefined || nodes.has(n)) continue;
    nodes.add(n);
    for (const i of n.inputs) queue.push(nodeName(i));
    fnQueue.push(...n.funcs, ...n.ops.filter((op) => fnNames.has(op)));
  }
  while (fnQueue.length > 0) {
    const name = fnQueue.pop() as string;
    if (functions.has(name)) continue;
    functions.add(name);
    for (const f of fnByName.get(name) ?? []) {
      for (const n of f.nodes) fnQueue.push(...n.funcs, ...n.ops.filter((op) => fnNames.has(op)));
    }
  }
  return { nodes, functions };
}

export interface OpStats {
  nodes: number;
  functions: number;
  saverCheckpointOps: number;
}

/** Checks every node; reports through `ctx`. */
export function checkOps(graph: GraphInfo, scope: SaverScope, ctx: ScanContext, label: string): OpStats {
  const counts = new Map<TfRuleKey, number>();
  const stats: OpStats = { nodes: graph.nodes.length, functions: graph.functions.length, saverCheckpointOps: 0 };
  const report = (rule: TfRuleKey, message: string, global: string): void => {
    const n = (counts.get(rule) ?? 0) + 1;
    counts.set(rule, n);
    if (n > MAX_FINDINGS_PER_RULE) return;
    const r = TF_RULES[rule];
    ctx.report({ rule: r.id, severity: r.severity, message: `${label}: ${message}`, global });
  };
  // Ops TensorFlow does not register, by op name: where first seen, and how often.
  const fnNames = new Set(graph.functions.map((f) => f.name));
  const foreign = new Map<string, { node: string; where: string; count: number }>();
  const visit = (n: NodeInfo, where: string, inSaver: boolean): void => {
    for (const op of new Set(n.ops)) {
      const info = TF_OPS.get(op);
      if (info === undefined) {
        if (op === '' || fnNames.has(op) || TF_REGISTERED_OPS.has(op) || (op.startsWith('_') && !op.includes('>'))) continue;
        const seen = foreign.get(op);
        if (seen === undefined) foreign.set(op, { node: n.name, where, count: 1 });
        else seen.count++;
        continue;
      }
      if (info.attr !== undefined && !attrReachesOut(op, n.gated.get(info.attr) ?? [])) continue;
      const checkpoint = info.reach === 'checkpoint-read' || info.reach === 'checkpoint-write';
      if (checkpoint && inSaver) {
        stats.saverCheckpointOps++;
        continue;
      }
      const rule: TfRuleKey = op.startsWith('InitializeTableFromTextFile') ? 'tableFromFile' : RULE_OF[info.reach];
      const attr = info.attr === undefined ? '' : ` (${info.attr}: ${JSON.stringify((n.gated.get(info.attr) ?? []).slice(0, 3))})`;
      report(rule, `op ${op} in node '${n.name}' of ${where}${attr} ${info.why}`, `tensorflow.raw_ops.${op}`);
    }
  };
  for (const n of graph.nodes) visit(n, 'the graph', scope.nodes.has(n));
  for (const f of graph.functions) {
    const inSaver = scope.functions.has(f.name);
    for (const n of f.nodes) visit(n, `function '${f.name}'`, inSaver);
  }
  for (const [op, at] of foreign) {
    const lib = op.includes('>') ? `the ${op.slice(0, op.indexOf('>'))} op library` : 'a native op library (not one TensorFlow registers)';
    const times = at.count > 1 ? ` and ${at.count - 1} more node${at.count > 2 ? 's' : ''}` : '';
    report('customOp', `op ${op} in node '${at.node}' of ${at.where}${times} comes from ${lib}: native code modelguard cannot see`, `tensorflow.raw_ops.${op}`);
  }
  for (const [rule, n] of counts) {
    if (n > MAX_FINDINGS_PER_RULE) {
      const r = TF_RULES[rule];
      ctx.report({ rule: r.id, severity: r.severity, message: `${label}: ${n - MAX_FINDINGS_PER_RULE} more ops of this kind not listed` });
    }
  }
  return stats;
}

/** Asset filenames are joined to `<export_dir>/assets/`: absolute paths and `..` escape it. */
export function escapingAsset(name: string): boolean {
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0')) return true;
  return name.split(/[\\/]/).includes('..') || /^[a-z][a-z0-9+.-]*:\/\//i.test(name);
}
