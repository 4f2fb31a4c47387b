/** The config walk and the reference judgement, on configs built in the test. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json } from '../../../src/bytes/strict-json.js';
import { walkConfig } from '../../../src/formats/keras/config-walker.js';
import { judgeReference } from '../../../src/formats/keras/references.js';
import { Policy } from '../../../src/python-globals/policy.js';
import { getProfile } from '../../../src/python-globals/profiles.js';

const policy = new Policy(getProfile('default'));

function walk(root: Json): { rule: string; global?: string | undefined; path: string }[] {
  return walkConfig(root, [], policy).observations.map((o) => ({ rule: o.rule, global: o.global, path: o.path }));
}

const fn = (module: string, name: string): Json => ({ module, class_name: 'function', config: name, registered_name: 'function' });
const layer = (cls: string, config: Json, module: string | null = 'keras.layers'): Json => ({ module, class_name: cls, config, registered_name: null });

describe('references', () => {
  const cases: [string | null, string, string | null, string][] = [
    ['keras.layers', 'Dense', null, 'ok'],
    ['keras.src.models.functional', 'Functional', 'Functional', 'ok'],
    ['keras_hub.src.models.gemma.gemma_backbone', 'GemmaBackbone', 'keras_hub>GemmaBackbone', 'ok'],
    ['builtins', 'relu', 'function', 'ok'],
    ['builtins', 'exec', 'function', 'dangerous'],
    ['builtins', 'print', 'function', 'custom'],
    ['os', 'system', null, 'dangerous'],
    ['subprocess', 'Popen', null, 'dangerous'],
    ['keras.utils', 'get_file', null, 'dangerous'],
    ['keras.src.utils.file_utils', 'get_file', null, 'dangerous'],
    ['keras.config', 'enable_unsafe_deserialization', null, 'dangerous'],
    ['keras.models', 'load_model', null, 'dangerous'],
    ['tensorflow.io', 'write_file', null, 'dangerous'],
    ['tensorflow.python.ops.gen_io_ops', 'read_file', null, 'dangerous'],
    ['tensorflow.raw_ops', 'WriteFile', null, 'dangerous'],
    ['tensorflow.compat.v1.raw_ops', 'EagerPyFunc', null, 'dangerous'],
    ['tensorflow.python.ops.gen_script_ops', 'py_func', null, 'dangerous'],
    ['tensorflow', 'read_file', null, 'dangerous'],
    ['tensorflow.raw_ops', 'MatMul', null, 'ok'],
    ['tensorflow.python.ops.gen_math_ops', 'mat_mul', null, 'ok'],
    ['__main__', 'MyLayer', 'Custom>MyLayer', 'custom'],
    ['my_package.layers', 'Attention', 'my_package>Attention', 'custom'],
    ['keras.layers', 'Dense', 'my_package>Dense', 'custom'],
    [null, 'Dense', null, 'ok'],
    [null, 'Custom>Adam', null, 'ok'],
    [null, 'MeanMetricWrapper', null, 'ok'],
    [null, 'AttentionPooling', null, 'custom'],
    [null, 'os.system', null, 'custom'],
  ];
  for (const [module, name, registered, want] of cases) {
    it(`${module ?? '(no module)'} ${name} ${registered ?? ''} → ${want}`, () => {
      assert.equal(judgeReference(policy, module, name, registered).kind, want);
    });
  }
});

describe('walk', () => {
  it('finds objects at any depth: wrappers, nested models, compile_config, metrics', () => {
    const model: Json = {
      ...(layer(
        'Sequential',
        {
          layers: [layer('TimeDistributed', { layer: layer('Dense', { activation: fn('os', 'system') }) })],
        },
        'keras',
      ) as object),
      compile_config: { loss: fn('builtins', 'eval'), metrics: ['accuracy', fn('builtins', 'mean_absolute_error')] },
    };
    const obs = walk(model);
    assert.deepEqual(obs.map((o) => o.global).sort(), ['builtins.eval', 'os.system']);
    assert.ok(obs.some((o) => o.path === 'config.layers[0].config.layer.config.activation'));
    assert.ok(obs.some((o) => o.path === 'compile_config.loss'));
  });

  it('Keras 2 Lambda: bytecode, a function by name with its module, a module as globals', () => {
    const k2 = (cfg: Json): Json => ({ class_name: 'Lambda', config: cfg });
    assert.deepEqual(
      walk(k2({ function: ['4wAAAA==', null, null], function_type: 'lambda', module: '__main__' })).map((o) => o.rule),
      ['lambdaBytecode'],
    );
    assert.deepEqual(
      walk(k2({ function: 'system', function_type: 'function', module: 'os' })).map((o) => o.rule),
      ['dangerousReference', 'dangerousReference'],
    );
    assert.deepEqual(
      walk(k2({ function: 'my_fn', function_type: 'function', module: 'my_module' })).map((o) => o.rule),
      ['customObject', 'customObject'],
    );
    assert.deepEqual(walk(k2({ function: 'x', function_type: 'raw', module: 'os' })), []);
    assert.deepEqual(
      walk(k2({ function: 12, function_type: 'lambda' })).map((o) => o.rule),
      ['lambdaNotCode'],
    );
  });

  it('Keras 3 __lambda__ anywhere, with code or value', () => {
    const lam = (key: string): Json => ({ class_name: '__lambda__', config: { [key]: '4wAAAA==' } });
    assert.deepEqual(
      walk({ a: [{ b: lam('code') }], c: lam('value') }).map((o) => o.rule),
      ['lambdaBytecode', 'lambdaBytecode'],
    );
  });

  it('TFSMLayer, TFOpLambda and TensorFlowOpLayer', () => {
    assert.deepEqual(
      walk(layer('TFSMLayer', { filepath: '/x' })).map((o) => o.rule),
      ['tfsmLayer'],
    );
    assert.deepEqual(walk({ class_name: 'TFOpLambda', config: { function: 'math.add' } }), []);
    assert.deepEqual(
      walk({ class_name: 'TFOpLambda', config: { function: 'io.read_file' } }).map((o) => o.global),
      ['tensorflow.io.read_file'],
    );
    assert.deepEqual(
      walk({ class_name: 'TFOpLambda', config: { function: 'raw_ops.WriteFile' } }).map((o) => o.global),
      ['tensorflow.raw_ops.WriteFile'],
    );
    assert.deepEqual(
      walk({ class_name: 'TFOpLambda', config: { function: 'compat.v1.py_func' } }).map((o) => o.rule),
      ['dangerousReference'],
    );
    assert.deepEqual(walk({ class_name: 'TensorFlowOpLayer', config: { node_def: { op: 'AddV2' } } }), []);
    assert.deepEqual(
      walk({ class_name: 'TensorFlowOpLayer', config: { node_def: { op: 'PyFunc' } } }).map((o) => o.rule),
      ['dangerousReference'],
    );
    assert.deepEqual(walk({ class_name: 'TensorFlowOpLayer', config: { node_def: { op: 'PrintV2' } } }), []);
  });

  it('data-only special objects are not references', () => {
    const data: Json = [
      { class_name: '__numpy__', config: { value: [1], dtype: 'float32' } },
      { class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: ['x', 0, 0] } },
      { class_name: '__bytes__', config: { value: 'os.system' } },
    ];
    assert.deepEqual(walk(data), []);
  });

  it('shadowed values are walked and marked', () => {
    const r = walkConfig({}, [{ key: 'config', value: fn('os', 'system') }], policy);
    assert.equal(r.observations[0]?.shadowed, true);
  });
});
