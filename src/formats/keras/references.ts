/**
 * Judging what a Keras config names: a `module` plus a class or function
 * name, as `deserialize_keras_object` resolves them.
 *
 * Keras 3 (and the `.keras` format of Keras 2.13-2.15) imports the module
 * named in the config: before the CVE-2025-1550 fix any module, since then
 * only Keras packages, and the `builtins` module stands for Keras' own
 * built-in function tables. Keras 2 configs carry no module and resolve
 * bare class names in Keras' tables and the user's custom objects.
 *
 * The shared denylist decides what is dangerous (os, subprocess, builtins.exec,
 * keras.utils.get_file, keras.config.enable_unsafe_deserialization...), so a
 * name that is dangerous in a pickle is dangerous in a config too.
 */
import type { Policy } from '../../python-globals/policy.js';
import { TF_OPS } from '../tensorflow/ops.js';
import { isKerasBuiltinName } from './known-names.js';

/** Top-level packages whose classes Keras itself deserializes (keras-team packages and TensorFlow). */
const TRUSTED_PACKAGES = new Set(['keras', 'keras_core', 'tf_keras', 'tensorflow', 'keras_hub', 'keras_nlp', 'keras_cv']);

export type Verdict = { kind: 'ok' } | { kind: 'dangerous'; global: string; why: string } | { kind: 'custom'; global: string; why: string };

const OK: Verdict = { kind: 'ok' };

export function trustedModule(module: string): boolean {
  const top = module.split('.', 1)[0] ?? '';
  return TRUSTED_PACKAGES.has(top);
}

/** `tf.raw_ops` under its public names: any op there can be called by name. */
const RAW_OPS_MODULE = /^tensorflow(?:\.compat\.v[12])?\.raw_ops$|^tensorflow\.python\.ops\.gen_[a-z_]+_ops$/;

function denied(policy: Policy, module: string, name: string): Verdict | undefined {
  const full = name === '' ? module : `${module}.${name}`;
  const j = policy.judge(module, name, full);
  if (j.kind === 'denied') return { kind: 'dangerous', global: full, why: j.why };
  // TensorFlow is trusted as a package, but its op wrappers reach files, Python and the network
  // (`tensorflow.raw_ops.WriteFile`, `tensorflow.python.ops.gen_io_ops.read_file`).
  if (RAW_OPS_MODULE.test(module)) {
    const op = TF_OPS.get(name) ?? TF_OPS.get(snakeToOp(name));
    if (op !== undefined && op.reach !== 'checkpoint-read')
      return { kind: 'dangerous', global: full, why: `runs TensorFlow op ${TF_OPS.has(name) ? name : snakeToOp(name)}, which ${op.why}` };
  }
  return undefined;
}

/** `read_file` → `ReadFile`, `py_func` → `PyFunc`: the gen_*_ops wrapper names of ops. */
function snakeToOp(name: string): string {
  return name
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * A class or function reference: `module` as written (undefined/null when
 * absent), `name` the class name or function name, `registered` the
 * `registered_name` if any.
 */
export function judgeReference(policy: Policy, module: string | null | undefined, name: string, registered: string | null | undefined): Verdict {
  if (typeof module === 'string' && module !== '') {
    const d = denied(policy, module, name);
    if (d !== undefined) return d;
    if (module === 'builtins') {
      // Keras searches its own built-in modules (activations, losses...) for the name.
      if (isKerasBuiltinName(name)) return OK;
      return { kind: 'custom', global: `builtins.${name}`, why: 'a Python builtin that is not a Keras built-in function' };
    }
    if (!trustedModule(module)) {
      return { kind: 'custom', global: `${module}.${name}`, why: `module '${module}' is outside Keras and TensorFlow` };
    }
    return registeredVerdict(registered, `${module}.${name}`) ?? OK;
  }
  // No module: Keras 2 style, resolved in Keras' tables or the user's custom objects.
  if (!isKerasBuiltinName(name)) {
    return { kind: 'custom', global: name, why: `'${name}' is not a Keras built-in, so loading needs a custom object of that name` };
  }
  return registeredVerdict(registered, name) ?? OK;
}

/** A `Package>Name` registration outside Keras' own packages names user code. */
function registeredVerdict(registered: string | null | undefined, global: string): Verdict | undefined {
  if (typeof registered !== 'string' || !registered.includes('>')) return undefined;
  const pkg = registered.slice(0, registered.indexOf('>'));
  if (pkg === 'Custom' && isKerasBuiltinName(registered)) return undefined;
  if (TRUSTED_PACKAGES.has(pkg)) return undefined;
  return { kind: 'custom', global, why: `registered as '${registered}', a custom object` };
}

/** A module whose whole namespace is exposed (a Keras 2 Lambda's `module`, its bytecode's globals). */
export function judgeModule(policy: Policy, module: string): Verdict {
  if (module === '' || module === '__main__' || module === 'builtins' || trustedModule(module)) return OK;
  const d = denied(policy, module, '');
  if (d !== undefined) return d;
  return { kind: 'custom', global: module, why: `the lambda's globals come from module '${module}'` };
}
