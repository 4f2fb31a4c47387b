/**
 * Walks a Keras config tree the way `deserialize_keras_object` would meet
 * it: every JSON object with a string `class_name` is a serialized object
 * (layers, nested models, wrappers' inner layers, initializers,
 * regularizers, optimizers, losses and metrics in `compile_config` or
 * `training_config`, `__lambda__` functions, `function` references...), and
 * every value is visited, so nesting (Sequential in Functional in
 * TimeDistributed) hides nothing.
 *
 * The walk only collects observations; `config-scan.ts` reports them.
 */
import { isJsonObject, type Json } from '../../bytes/strict-json.js';
import type { Policy } from '../../python-globals/policy.js';
import { attrReachesOut, TF_OPS } from '../tensorflow/ops.js';
import { funcLoadBytes, MAX_BYTECODE_CHARS, pythonBase64Decode, summarizeMarshal, tellingNames } from './bytecode.js';
import { judgeModule, judgeReference, type Verdict } from './references.js';
import type { KerasRuleKey } from './rules.js';

export interface Observation {
  rule: KerasRuleKey;
  /** JSON path of the object, e.g. `config.layers[2].config.function`. */
  path: string;
  message: string;
  global?: string;
  /** Found in a value a later duplicate key replaces: Python's json never hands it to Keras. */
  shadowed?: boolean;
}

export interface Embedded {
  path: string;
  bytes: Uint8Array;
}

export interface WalkResult {
  observations: Observation[];
  /** Payloads to scan as files of their own (TorchModuleWrapper's torch.save archive). */
  embedded: Embedded[];
  /** Serialized objects met, by class name. */
  classes: Map<string, number>;
}

/** Special `class_name`s of Keras 3 serialization that carry plain data. */
const DATA_CLASSES = new Set(['__tensor__', '__numpy__', '__bytes__', '__ellipsis__', '__slice__', '__keras_tensor__']);

type Obj = { [k: string]: Json };

/** `a.b` (or `b` at the root). */
function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export class ConfigWalker {
  private readonly policy: Policy;
  readonly result: WalkResult = { observations: [], embedded: [], classes: new Map() };
  /** Set while walking values that duplicate keys shadowed. */
  shadowed = false;

  constructor(policy: Policy) {
    this.policy = policy;
  }

  /** Visits `v` and everything under it (the parser bounds the depth). */
  walk(v: Json, path: string): void {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        this.walk(x, `${path}[${i}]`);
      });
      return;
    }
    if (!isJsonObject(v)) return;
    if (typeof v['class_name'] === 'string') this.object(v, path);
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'object' && x !== null) this.walk(x, join(path, k));
    }
  }

  private note(o: Observation): void {
    this.result.observations.push(this.shadowed ? { ...o, shadowed: true } : o);
  }

  private reference(verdict: Verdict, path: string, what: string): void {
    if (verdict.kind === 'ok') return;
    if (verdict.kind === 'dangerous') {
      this.note({ rule: 'dangerousReference', path, global: verdict.global, message: `${what} names ${verdict.global}, which ${verdict.why}` });
    } else {
      this.note({ rule: 'customObject', path, global: verdict.global, message: `${what} names ${verdict.global}: ${verdict.why}` });
    }
  }

  private object(o: Obj, path: string): void {
    const cn = o['class_name'] as string;
    this.result.classes.set(cn, (this.result.classes.get(cn) ?? 0) + 1);
    const module = o['module'];
    const mod = typeof module === 'string' ? module : undefined;
    const registered = str(o['registered_name']);
    const config = o['config'];
    if (DATA_CLASSES.has(cn)) return;
    if (cn === '__lambda__') {
      const inner = isJsonObject(config) ? config : {};
      this.bytecode(inner['code'] ?? inner['value'], path, '`__lambda__` function');
      return;
    }
    if (cn === '__typespec__') {
      this.reference(judgeReference(this.policy, mod, str(o['spec_name']) ?? '', registered), path, 'a `__typespec__`');
      return;
    }
    if (cn === 'function') {
      const name = str(config) ?? '';
      this.reference(judgeReference(this.policy, mod, name, registered), path, 'a function reference');
      return;
    }
    this.reference(judgeReference(this.policy, mod, cn, registered), path, `class '${cn}'`);
    const inner = isJsonObject(config) ? config : undefined;
    if (inner === undefined) return;
    switch (cn) {
      case 'Lambda':
        this.lambdaLayer(inner, path);
        break;
      case 'TFSMLayer':
        this.note({
          rule: 'tfsmLayer',
          path,
          global: 'keras.layers.TFSMLayer',
          message: `TFSMLayer reloads the SavedModel at ${JSON.stringify(str(inner['filepath']) ?? '?')} when the model is loaded`,
        });
        break;
      case 'TorchModuleWrapper':
        this.torchModule(inner, path);
        break;
      case 'TFOpLambda':
      case 'SlicingOpLambda':
        this.tfOpLambda(inner, path);
        break;
      case 'TensorFlowOpLayer':
        this.tensorFlowOpLayer(inner, path);
        break;
      default:
        break;
    }
  }

  /** Keras 2 Lambda layers: `function` + `function_type` + `module`, and the same for `output_shape`. */
  private lambdaLayer(cfg: Obj, path: string): void {
    for (const [fn, type, module] of [
      ['function', 'function_type', 'module'],
      ['output_shape', 'output_shape_type', 'output_shape_module'],
    ] as const) {
      const value = cfg[fn];
      const kind = str(cfg[type]);
      const mod = str(cfg[module]);
      const where = join(path, `config.${fn}`);
      if (kind === 'lambda') this.bytecode(value, where, `Lambda ${fn}`);
      if (kind === 'function' && typeof value === 'string') {
        this.reference(judgeReference(this.policy, mod ?? null, value, undefined), where, `Lambda ${fn}`);
      }
      if (mod !== undefined && (kind === 'lambda' || kind === 'function')) {
        this.reference(judgeModule(this.policy, mod), where, `Lambda ${fn} module`);
      }
    }
  }

  /** A `func_load` payload: a string, or Keras 2's `[code, defaults, closure]`. */
  private bytecode(value: Json | undefined, path: string, what: string): void {
    const code = Array.isArray(value) ? value[0] : value;
    if (typeof code !== 'string') {
      this.note({ rule: 'lambdaNotCode', path, message: `${what} asks for bytecode deserialization but holds no bytecode string` });
      return;
    }
    if (code.length > MAX_BYTECODE_CHARS) {
      this.note({ rule: 'lambdaBytecode', path, message: `${what} holds a ${code.length}-character bytecode string (too long to inspect)` });
      return;
    }
    const { bytes, encoding } = funcLoadBytes(code);
    const m = summarizeMarshal(bytes);
    if (!m.isCode) {
      this.note({
        rule: 'lambdaNotCode',
        path,
        message: `${what} decodes (${encoding}) to ${bytes.length} bytes that are not a marshaled code object; loading fails`,
      });
      return;
    }
    const telling = tellingNames(m.strings);
    const names = m.strings
      .slice(0, 12)
      .map((s) => JSON.stringify(s))
      .join(', ');
    this.note({
      rule: 'lambdaBytecode',
      path,
      message:
        `${what} holds ${bytes.length} bytes of marshaled Python bytecode (${encoding}), run when the model is rebuilt` +
        (telling.length > 0 ? `; it names ${telling.join(', ')}` : '') +
        (names === '' ? '' : `; strings: ${names}`),
    });
  }

  private torchModule(cfg: Obj, path: string): void {
    const b64 = str(cfg['module']);
    const bytes = b64 === undefined ? undefined : pythonBase64Decode(b64);
    this.note({
      rule: 'torchModule',
      path,
      message:
        bytes === undefined
          ? 'TorchModuleWrapper holds no decodable torch.save archive; loading fails'
          : `TorchModuleWrapper holds a ${bytes.length}-byte torch.save archive that torch.load unpickles; scanned below`,
    });
    if (bytes !== undefined) this.result.embedded.push({ path: join(path, 'config.module'), bytes });
  }

  /** TF 2.0-2.3 functional models embed raw ops as TensorFlowOpLayer with a NodeDef (as JSON) that Keras runs. */
  private tensorFlowOpLayer(cfg: Obj, path: string): void {
    const nd = cfg['node_def'];
    const op = isJsonObject(nd) ? str(nd['op']) : undefined;
    const info = op === undefined ? undefined : TF_OPS.get(op);
    if (op === undefined || info === undefined) return;
    const attrs = isJsonObject(nd) ? nd['attr'] : undefined;
    // Attribute values are protobuf JSON (base64 bytes): any value for the deciding attribute counts.
    if (info.attr !== undefined && !(isJsonObject(attrs) && attrs[info.attr] !== undefined)) return;
    this.note({ rule: 'dangerousReference', path, global: `tensorflow.raw_ops.${op}`, message: `TensorFlowOpLayer runs op ${op}, which ${info.why}` });
  }

  /** TFOpLambda calls `tf.<function>`: a TensorFlow API that may read or write files or run Python. */
  private tfOpLambda(cfg: Obj, path: string): void {
    const fn = str(cfg['function']);
    if (fn === undefined) return;
    const full = `tensorflow.${fn}`;
    const op = fn.startsWith('raw_ops.') ? TF_OPS.get(fn.slice('raw_ops.'.length)) : undefined;
    if (op !== undefined && (op.attr === undefined || attrReachesOut(fn, ['?']))) {
      this.note({ rule: 'dangerousReference', path, global: full, message: `TFOpLambda calls ${full}, which ${op.why}` });
      return;
    }
    const j = this.policy.judge('tensorflow', fn, full);
    if (j.kind === 'denied') this.note({ rule: 'dangerousReference', path, global: full, message: `TFOpLambda calls ${full}, which ${j.why}` });
  }
}

/** Walks a whole config and the values duplicate keys shadowed. */
export function walkConfig(root: Json, shadowed: readonly { key: string; value: Json }[], policy: Policy): WalkResult {
  const w = new ConfigWalker(policy);
  w.walk(root, '');
  w.shadowed = true;
  for (const s of shadowed) w.walk(s.value, `(shadowed '${s.key}')`);
  return w.result;
}
