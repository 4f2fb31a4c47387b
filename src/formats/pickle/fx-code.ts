/**
 * `torch.fx` GraphModule pickles carry Python source: torch 1.13's
 * `GraphModule.__reduce__` writes `reduce_graph_module(body, import_block)`,
 * and loading it `exec`s `import_block + body['_code']` (or `body['code']`)
 * and then traces the `forward` it defines, calling what the code calls.
 * The reducer is on the curated denylist (`torch.fx`) because that source
 * runs; here the source is read instead (`src/python/`) and judged with the
 * same policy: a graph that calls torch operators is vouched for, one that
 * reaches a sink is `malicious` and names the call, line and chain.
 *
 * `reduce_package_graph_module` and `reduce_deploy_graph_module` take a
 * `torch.package` importer whose code lives elsewhere: they stay denied.
 */
import { defineRules, type RuleInfo } from '../../findings/rules.js';
import { analyseModule, type CodeAnalysis } from '../../python/analyse.js';
import { isPyReadError } from '../../python/errors.js';
import { parseModule } from '../../python/parser.js';
import type { Policy } from '../../python-globals/policy.js';
import { PyDict, PyGlobal, PyStr, PyTuple, type PyObject, type PyValue } from './values.js';

export const FX_RULES = {
  code: {
    id: 'pickle/fx-code',
    title: 'torch.fx GraphModule code',
    severity: 'malicious',
    help: "A torch.fx GraphModule pickle carries the Python source of its forward(); torch.load exec()s it and traces it while loading. modelguard parses that source (never runs it) and judges every name it reaches with the pickle policy's tables: a graph of torch operators is inert; a call that reaches a process, eval, import by name, a deserialiser or a file write is malicious, and code it cannot read or names it does not know are suspicious.",
    references: ['https://pytorch.org/docs/stable/fx.html#torch.fx.GraphModule'],
  },
} as const satisfies Record<string, RuleInfo>;
defineRules(Object.values(FX_RULES));

/** The reducer whose source this module reads (the others import from a torch.package). */
export const FX_REDUCER = 'torch.fx.graph_module.reduce_graph_module';
/** The tracer class torch's own reducer stores (`body['_tracer_cls']`), instantiated to re-trace the code. */
export const FX_DEFAULT_TRACER = 'torch.fx._symbolic_trace.Tracer';

export type FxOutcome = { kind: 'analysed'; source: string; analysis: CodeAnalysis; tracer: PyValue | undefined } | { kind: 'unreadable'; why: string };

function entry(d: PyDict, key: string): PyValue | undefined {
  for (let i = d.entries.length - 1; i >= 0; i--) {
    const e = d.entries[i];
    if (e !== undefined && e[0] === key) return e[1];
  }
  return undefined;
}

function text(v: PyValue | undefined, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof PyStr) throw new FxUnreadable(`${what} is a string of ${v.length} characters, over the constant limit`);
  throw new FxUnreadable(`${what} is not a constant string`);
}

class FxUnreadable extends Error {}

/** Reads and analyses the source a `reduce_graph_module` call will exec. */
export function analyseFxCall(obj: PyObject, policy: Policy): FxOutcome {
  try {
    if (!(obj.args instanceof PyTuple) || obj.args.items.length !== 2) throw new FxUnreadable('its arguments are not (body, import_block)');
    const [body, block] = obj.args.items;
    if (!(body instanceof PyDict)) throw new FxUnreadable('its body is not a dict');
    if (body.computedKeys > 0) throw new FxUnreadable('its body has keys computed while loading');
    // A dropped entry could be a later `_code` that wins: a truncated body is not read.
    if (body.truncated) throw new FxUnreadable('its body has more entries than the scanner keeps');
    // `body.get('_code') or body['code']`: an empty or false `_code` falls back to `code`.
    const first = entry(body, '_code');
    const code = first === undefined || first === '' || first === null || first === false || first === 0 ? entry(body, 'code') : first;
    const source = `${text(block, 'import_block')}${text(code, "body['_code']")}`;
    const analysis = analyseModule(parseModule(source), { policy, strict: true });
    return { kind: 'analysed', source, analysis, tracer: entry(body, '_tracer_cls') };
  } catch (e) {
    if (e instanceof FxUnreadable || isPyReadError(e)) return { kind: 'unreadable', why: e.message };
    throw e;
  }
}

/** Whether `v` is the tracer torch's reducer stores by default (or none). */
export function isDefaultTracer(v: PyValue | undefined): boolean {
  return v === undefined || v === null || (v instanceof PyGlobal && v.full === FX_DEFAULT_TRACER);
}
