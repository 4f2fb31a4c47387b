/**
 * The generated tables (scripts/python-globals): known chains to sinks,
 * canonical resolution of aliases and re-exports, and that the allowlists'
 * pattern namespaces are listed in full. These facts come from the library
 * sources; a regeneration that loses one fails here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveGlobal, resolveDotted, type Canonical } from '../../src/python-globals/canonical.js';
import { reachesSink, type SinkHit } from '../../src/python-globals/reachability.js';
import { moduleFlags, isTrackedModule } from '../../src/python-globals/tables.js';
import { SOURCES } from '../../src/python-globals/generated/tables.js';
import { PROFILES } from '../../src/python-globals/profiles.js';

function only(module: string, name: string): Canonical {
  const r = resolveGlobal(module, name);
  assert.ok(r.tracked, `${module} is tracked`);
  assert.equal(r.targets.length, 1, `${module}.${name}: ${JSON.stringify(r.targets)}`);
  return r.targets[0] as Canonical;
}

function sinkOf(dotted: string): SinkHit {
  const r = resolveDotted(dotted);
  assert.ok(r !== undefined, dotted);
  for (const t of r.targets) {
    const h = reachesSink(t);
    if (h !== undefined) return h;
  }
  assert.fail(`${dotted} reaches no sink: ${JSON.stringify(r.targets)}`);
}

describe('reachability-derived sinks', () => {
  const cases: [string, string[], string][] = [
    ['shutil.rmtree', ['shutil.rmtree'], 'writes, creates or deletes files'],
    [
      'subprocess.getoutput',
      ['subprocess.getoutput', 'subprocess.getstatusoutput', 'subprocess.check_output', 'subprocess.run', 'subprocess.Popen'],
      'starts a process',
    ],
    ['uuid._ifconfig_getnode', ['uuid._ifconfig_getnode', 'uuid._find_mac_near_keyword', 'uuid._get_command_stdout', 'subprocess.Popen'], 'starts a process'],
    ['dataclasses._create_fn', ['dataclasses._create_fn', 'builtins.exec'], 'runs Python code'],
    ['typing._eval_type', ['typing._eval_type', 'typing.ForwardRef._evaluate', 'builtins.eval'], 'runs Python code'],
    ['mailcap.findmatch', ['mailcap.findmatch', 'os.system'], 'starts a process'],
    ['torch._utils._import_dotted_name', ['torch._utils._import_dotted_name', 'builtins.__import__'], 'imports modules by name'],
    ['pkg_resources.EntryPoint.load', ['pkg_resources.EntryPoint.load', 'pkg_resources.EntryPoint.resolve', 'builtins.__import__'], 'imports modules by name'],
    ['numpy.compat.py3k.open_latin1', ['numpy.compat.py3k.open_latin1', 'builtins.open'], 'writes, creates or deletes files'],
  ];
  for (const [name, chain, category] of cases) {
    it(`${name} reaches a sink: ${chain.join(' → ')}`, () => {
      const h = sinkOf(name);
      assert.deepEqual(h.chain.slice(0, chain.length), chain);
      assert.equal(h.category, category);
    });
  }
  it('shutil.rmtree ends at a deleting os call', () => {
    const last = sinkOf('shutil.rmtree').chain.at(-1) ?? '';
    assert.match(last, /^os\.(rmdir|unlink|remove|open)$/);
  });
  it('classes: instantiation and state that reach a sink', () => {
    const mbox = only('mailbox', 'mbox');
    assert.equal(reachesSink(mbox)?.how, 'new');
    // scipy's distributions exec the argument parser their state carries (__setstate__ → _attach_argparser_methods).
    const norm = only('scipy.stats._continuous_distns', 'norm_gen');
    assert.ok(reachesSink(norm) !== undefined);
  });
  it('the sinks themselves are entries (a pickle may name them directly)', () => {
    for (const n of ['_xxsubinterpreters.run_string', 'marshal.loads', 'builtins.exec']) {
      const h = reachesSink({ name: n, kind: 'unknown', module: '' });
      assert.ok(h !== undefined, n);
    }
  });
  it('what only reads, or runs fixed work, is not a sink', () => {
    for (const [m, n] of [
      ['tokenize', 'open'],
      ['platform', 'uname'],
      ['torch.cuda', 'device_count'],
      ['torch.nn.modules.module', 'Module'],
      ['collections', 'OrderedDict'],
      ['argparse', 'ArgumentParser'],
      ['sklearn.linear_model._logistic', 'LogisticRegression'],
      ['pathlib', 'PurePosixPath'],
    ] as const) {
      for (const t of resolveGlobal(m, n).targets) assert.equal(reachesSink(t), undefined, `${m}.${n}`);
    }
  });
});

describe('canonical names', () => {
  it('a module imported by another is that module', () => {
    assert.deepEqual(only('torch.serialization', 'os'), { name: 'os', kind: 'module', module: 'os' });
    assert.equal(only('argparse', '_os').name, 'os');
    assert.equal(only('collections', '_sys').name, 'sys');
    assert.equal(only('torch.serialization', 'os.system').name, 'os.system');
  });
  it('a definition is named where it is defined; a re-export resolves to it', () => {
    const linear = only('torch.nn.modules.linear', 'Linear');
    assert.deepEqual(linear, { name: 'torch.nn.modules.linear.Linear', kind: 'c', module: 'torch.nn.modules.linear' });
    assert.deepEqual(only('torch.nn', 'Linear'), linear);
    assert.deepEqual(only('torch.nn.modules', 'Linear'), linear);
    assert.equal(only('torch.nn', 'Parameter').name, 'torch.nn.parameter.Parameter');
    assert.equal(only('torch.nn.modules.linear', 'F').kind, 'module');
  });
  it('re-exports into sklearn resolve to their definition elsewhere', () => {
    assert.equal(only('sklearn.utils._joblib', 'Memory').name, 'joblib.memory.Memory');
    assert.equal(only('sklearn.utils.validation', 'joblib.Memory').name, 'joblib.memory.Memory');
  });
  it('methods and staticmethods are definitions of their module', () => {
    assert.deepEqual(only('torch.optim.swa_utils', 'SWALR._cosine_anneal'), {
      name: 'torch.optim.swa_utils.SWALR._cosine_anneal',
      kind: 'f',
      module: 'torch.optim.swa_utils',
    });
  });
  it('native definitions: structseq types and Cython helpers compiled into the binaries', () => {
    assert.equal(only('torch.return_types', 'topk').kind, 'n');
    assert.equal(only('sklearn.tree._tree', 'Tree').kind, 'n');
    assert.ok(['f', 'n'].includes(only('sklearn.tree._tree', '__pyx_unpickle_Tree').kind));
    assert.equal(only('sklearn.neighbors._kd_tree', 'newObj').kind, 'n');
  });
  it('a name a fully listed module does not define is unknown', () => {
    assert.equal(only('torch.nn.modules.linear', 'NoSuchThing').kind, 'unknown');
    assert.equal(only('torch.nn.modules.linear', 'Linear.no_such_member').kind, 'unknown');
  });
  it('modules the tables do not know stay as written', () => {
    const r = resolveGlobal('mylab.models', 'TinyResNet');
    assert.equal(r.tracked, false);
    assert.equal(r.targets[0]?.name, 'mylab.models.TinyResNet');
  });
  it('bounded: a very long dotted name is unknown, not walked', () => {
    const r = resolveGlobal('torch.nn', Array.from({ length: 500 }, () => 'Linear').join('.'));
    assert.equal(r.targets[0]?.kind, 'unknown');
  });
});

describe('table coverage', () => {
  it('records the library versions read', () => {
    for (const lib of ['python 3.11', 'torch 1.13', 'numpy 1.24', 'scipy 1.10', 'sklearn 1.2', 'joblib 1.2']) assert.ok(SOURCES.includes(lib), lib);
  });
  it("every allowlist pattern's namespace is listed in full (regenerate after adding a pattern)", () => {
    for (const p of Object.values(PROFILES)) {
      for (const e of p.allow) {
        if (!/[*{]/.test(e.name)) continue;
        const prefix: string[] = [];
        for (const c of e.name.split('.')) {
          if (/[*{]/.test(c)) break;
          prefix.push(c);
        }
        const ns = prefix.join('.');
        if (!isTrackedModule(ns)) continue; // __torch__ (TorchScript), omegaconf: not Python the tables read
        assert.ok(moduleFlags(ns)?.includes('f'), `${e.name}: ${ns} is not listed in full`);
      }
    }
  });
});
