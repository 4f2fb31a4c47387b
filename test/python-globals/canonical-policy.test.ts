/**
 * The policy judges what a global denotes: aliases and re-exports are
 * resolved before judging, allowlist patterns admit only definitions, and
 * the generated sink table makes callables that reach a sink malicious with
 * their chain (issue 13, bypass classes 1 and 5).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Policy } from '../../src/python-globals/policy.js';
import { getProfile } from '../../src/python-globals/profiles.js';
import { resolveGlobal } from '../../src/python-globals/canonical.js';
import { reachesSink } from '../../src/python-globals/reachability.js';
import { parseAllowlist } from '../../src/python-globals/allowlist-file.js';

const all = new Policy(getProfile('default'));
const sklearn = new Policy(getProfile('sklearn'));
const torch = new Policy(getProfile('torch'));

describe('names reaching another module through attributes (class 1)', () => {
  it('a private module alias is the module: argparse._os is os', () => {
    const j = all.judge('argparse', '_os.posix_spawnp');
    assert.equal(j.kind, 'denied');
    assert.equal(j.kind === 'denied' && j.matched, 'os');
  });
  it('a re-export a pattern admitted by its spelling is judged as what it is', () => {
    for (const [m, n] of [
      ['sklearn.utils._joblib', 'Memory'],
      ['sklearn.utils._joblib', 'Parallel'],
      ['sklearn.utils.validation', 'joblib.Memory'],
    ] as const) {
      assert.equal(sklearn.judge(m, n).kind, 'denied', `${m}.${n}`);
    }
  });
  it('patterns admit only definitions of the module they name', () => {
    // numbers.Real re-exported by a scikit-learn module: a class, CapWords, but defined elsewhere.
    assert.equal(sklearn.judge('sklearn.utils._param_validation', 'Real').kind, 'unknown');
    assert.equal(torch.judge('torch.nn.modules.linear', 'Tensor').kind, 'unknown');
    assert.equal(torch.judge('torch.nn.modules.linear', 'NoSuchClass').kind, 'unknown');
    // A walk through a module alias into a definition elsewhere.
    assert.equal(torch.judge('torch.nn.modules.linear', 'F.Linear').kind, 'unknown');
  });
  it('exact entries still match, under their own name or through a re-export', () => {
    assert.equal(torch.judge('torch.nn.modules.linear', 'Linear').kind, 'allowed');
    const p = torch.judge('torch.nn', 'Parameter');
    assert.equal(p.kind, 'allowed');
    assert.equal(p.kind === 'allowed' && p.canonical, 'torch.nn.parameter.Parameter');
    assert.equal(torch.judge('torch.nn', 'Linear').kind, 'allowed');
    assert.equal(torch.judge('torch.optim.swa_utils', 'SWALR._cosine_anneal').kind, 'allowed');
    assert.equal(torch.judge('torch.return_types', 'topk').kind, 'allowed');
    assert.equal(sklearn.judge('sklearn.tree._tree', '__pyx_unpickle_Tree').kind, 'allowed');
    assert.equal(sklearn.judge('sklearn.neighbors._kd_tree', 'newObj').kind, 'allowed');
  });
  it('a tail that starts with a module is read as that module, whatever module holds it', () => {
    const j = all.judge('mylab.helpers', 'typing._eval_type');
    assert.equal(j.kind, 'denied');
    assert.deepEqual(j.kind === 'denied' ? j.chain?.slice(0, 2) : [], ['typing._eval_type', 'typing.ForwardRef._evaluate']);
  });
});

describe('callables that reach a sink (class 5)', () => {
  it('are denied with the chain', () => {
    for (const [m, n] of [
      ['uuid', '_ifconfig_getnode'],
      ['typing', '_eval_type'],
      ['typing', 'ForwardRef._evaluate'],
      ['dataclasses', '_create_fn'],
      ['mailcap', 'findmatch'],
      ['mailbox', 'mbox'],
      ['numpy.compat', 'open_latin1'],
      ['pkg_resources', 'EntryPoint.resolve'],
      ['_xxsubinterpreters', 'run_string'],
      ['torch.serialization', '_import_dotted_name'],
      ['scipy.stats._continuous_distns', 'norm_gen'],
      // Beyond the list: found by the same analysis.
      ['logging', 'basicConfig'],
      ['torch.utils.file_baton', 'FileBaton.try_acquire'],
      ['gettext', 'translation'],
      ['inspect', 'signature'],
    ] as const) {
      const j = all.judge(m, n);
      assert.equal(j.kind, 'denied', `${m}.${n}`);
    }
    const j = all.judge('uuid', '_ifconfig_getnode');
    assert.deepEqual(j.kind === 'denied' ? j.chain : [], [
      'uuid._ifconfig_getnode',
      'uuid._find_mac_near_keyword',
      'uuid._get_command_stdout',
      'subprocess.Popen',
    ]);
  });
  it('a user allowlist cannot allow a generated sink', () => {
    const file = parseAllowlist('[[allow]]\nname = "uuid._ifconfig_getnode"\nuses = ["call"]\n', 'ours.toml');
    assert.equal(new Policy(getProfile('default'), file.allow).judge('uuid', '_ifconfig_getnode').kind, 'denied');
  });
  it('exact profile entries the table flags are the reviewed ones, each modelling what it does', () => {
    const flagged: string[] = [];
    for (const e of getProfile('default').allow) {
      if (/[*{]/.test(e.name)) continue;
      const parts = e.name.split('.');
      for (let i = parts.length - 1; i > 0; i--) {
        const r = resolveGlobal(parts.slice(0, i).join('.'), parts.slice(i).join('.'));
        if (!r.tracked) continue;
        if (r.targets.some((t) => reachesSink(t) !== undefined)) {
          flagged.push(e.name);
          assert.ok(e.effects !== undefined, `${e.name} reaches a sink and says nothing of how the policy checks it`);
        }
        break;
      }
    }
    assert.deepEqual(flagged, ['numpy.core._ufunc_reconstruct']);
    assert.equal(all.judge('numpy.core', '_ufunc_reconstruct').kind, 'allowed');
  });
});

describe('data classes stay clean', () => {
  it('benign standard-library values whose canonical module is coarsely denied', () => {
    assert.equal(all.judge('threading', 'Lock').kind, 'unknown');
    assert.equal(all.judge('collections', 'OrderedDict').kind, 'allowed');
    assert.equal(all.judge('datetime', 'timezone.utc').kind, 'allowed');
    assert.equal(all.judge('types', 'SimpleNamespace').kind, 'allowed');
  });
});
