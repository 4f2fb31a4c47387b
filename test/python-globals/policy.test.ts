/** The policy: denylist first, traversal checks, then allowlists; users cannot override the denylist. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllowlist } from '../../src/python-globals/allowlist-file.js';
import { Policy } from '../../src/python-globals/policy.js';
import { getProfile, profileForFormat } from '../../src/python-globals/profiles.js';
import { ModelguardError } from '../../src/errors.js';

const torch = new Policy(getProfile('torch'));
const kind = (p: Policy, m: string, n: string) => p.judge(m, n).kind;

describe('denylist', () => {
  it('denies a module and everything under it', () => {
    for (const [m, n] of [
      ['os', 'system'],
      ['os.path', 'join'],
      ['subprocess', 'Popen'],
      ['builtins', 'getattr'],
      ['posix', 'system'],
      ['torch.hub', 'load'],
      ['numpy.testing._private.utils', 'runstring'],
      ['asyncio.unix_events', '_UnixSubprocessTransport'],
    ]) {
      assert.equal(kind(torch, m as string, n as string), 'denied', `${m}.${n}`);
    }
  });
  it('honours exceptions inside a denied module', () => {
    assert.equal(kind(torch, 'types', 'SimpleNamespace'), 'allowed');
    assert.equal(kind(torch, 'types', 'FunctionType'), 'denied');
    assert.equal(kind(new Policy(getProfile('torchscript')), 'torch.jit._pickle', 'build_intlist'), 'allowed');
    assert.equal(kind(torch, 'torch.jit', 'load'), 'denied');
  });
  it('catches a denied module reached through another module namespace', () => {
    assert.equal(kind(torch, 'torch.serialization', 'os.system'), 'denied');
    assert.equal(kind(torch, 'numpy', 'testing.os.popen'), 'denied');
    // The module object itself as the last component of a dotted path; a method merely named like a module is not.
    assert.equal(kind(torch, 'torch', 'serialization.os'), 'denied');
    assert.equal(kind(torch, 'collections', 'abc.sys'), 'denied');
    assert.notEqual(kind(torch, 'mypkg.chains', 'Runnable.invoke'), 'denied');
    // A package reached through another module's namespace: every tail of the path is re-checked.
    assert.equal(kind(torch, 'torch.nn.modules.module', 'torch.utils.cpp_extension.load_inline'), 'denied');
    assert.equal(kind(torch, 'collections', 'abc.numpy.lib.npyio.fromregex'), 'denied');
  });
  it('catches dunder traversal and dangerous attributes on dotted paths', () => {
    assert.equal(kind(torch, 'collections', 'OrderedDict.__init__.__globals__'), 'denied');
    assert.equal(kind(torch, 'somepkg', 'helpers.system'), 'denied');
    assert.equal(kind(torch, 'pathlib', 'Path.write_text'), 'denied');
    assert.equal(kind(torch, 'pathlib', 'PosixPath'), 'allowed');
  });
  it('gadgets beyond the classic record: import machinery, pagers, process helpers, file openers, NumPy 2 private modules', () => {
    const names = [
      ['_pyrepl.pager', 'pipe_pager'],
      ['unittest.mock', '_importer'],
      ['_imp', 'create_dynamic'],
      ['_frozen_importlib', '_call_with_frames_removed'],
      ['warnings', '_getcategory'],
      ['inspect', 'getattr_static'],
      ['rlcompleter', 'Completer'],
      ['pipes', 'Template'],
      ['_osx_support', '_read_output'],
      ['_aix_support', '_read_cmd_output'],
      ['platform', 'architecture'],
      ['platform', '_syscmd_file'],
      ['tracemalloc', 'Snapshot.load'],
      ['gzip', 'open'],
      ['bz2', 'BZ2File'],
      ['wave', 'open'],
      ['py_compile', 'compile'],
      ['netrc', 'netrc'],
      ['_pyio', 'FileIO'],
      ['readline', 'write_history_file'],
      ['xml.sax', 'parse'],
      ['xml.etree.ElementTree', 'parse'],
      ['_ssl', '_SSLContext'],
      ['huggingface_hub', 'hf_hub_download'],
      ['numpy.lib._npyio_impl', 'load'],
      ['numpy.lib._format_impl', 'read_array'],
      ['numpy.ma', 'loads'],
      ['numpy.ma.core', 'load'],
      ['pandas', 'to_pickle'],
      ['torch.onnx', 'export'],
      ['torch._weights_only_unpickler', 'load'],
      ['gc', 'get_objects'],
      ['threading', 'settrace'],
      ['pexpect', 'spawn'],
    ];
    for (const [m, n] of names) assert.equal(kind(torch, m as string, n as string), 'denied', `${m}.${n}`);
  });
  it('file access through a class method on a dotted path', () => {
    for (const [m, n] of [
      ['torch', 'UntypedStorage.from_file'],
      ['torch.storage', 'TypedStorage.from_file'],
      ['numpy', 'ndarray.tofile'],
      ['numpy', 'ndarray.dump'],
      ['pandas.core.frame', 'DataFrame.to_pickle'],
      ['transformers', 'AutoModel.from_pretrained'],
    ]) {
      assert.equal(kind(torch, m as string, n as string), 'denied', `${m}.${n}`);
    }
  });
  it('data classes next to denied functions stay undenied', () => {
    // Benign pickles carry these: UUIDs, uname() results, masked arrays, MATLAB structs, tracebacks' inspect defaults.
    for (const [m, n] of [
      ['uuid', 'UUID'],
      ['platform', 'uname_result'],
      ['numpy.ma.core', '_mareconstruct'],
      ['numpy.ma.core', 'MaskedArray'],
      ['scipy.io.matlab._mio5_params', 'mat_struct'],
      ['inspect', '_empty'],
      ['xml.etree.ElementTree', 'Element'],
      ['threading', 'Lock'],
    ]) {
      assert.notEqual(kind(torch, m as string, n as string), 'denied', `${m}.${n}`);
    }
  });
  it('raw prefix families', () => {
    assert.equal(kind(torch, 'torch._C', '_jit_script_compile'), 'denied');
    assert.equal(kind(torch, 'pandas', 'read_csv'), 'denied');
  });
});

describe('allowlists', () => {
  it('knows uses, not just names', () => {
    const j = torch.judge('torch.nn.modules.linear', 'Linear');
    assert.equal(j.kind, 'allowed');
    assert.ok(Policy.permits(j, 'new') && Policy.permits(j, 'build'));
    assert.ok(!Policy.permits(j, 'call'));
  });
  it('class patterns match CapWords only', () => {
    assert.equal(kind(torch, 'torch.nn.modules.conv', 'Conv2d'), 'allowed');
    assert.equal(kind(torch, 'torch.nn.modules.conv', 'some_function'), 'unknown');
  });
  it('profiles differ by format', () => {
    assert.equal(profileForFormat('torch-zip'), 'torch');
    assert.equal(profileForFormat('joblib'), 'sklearn');
    assert.equal(kind(torch, 'sklearn.linear_model._logistic', 'LogisticRegression'), 'unknown');
    assert.equal(kind(new Policy(getProfile('sklearn')), 'sklearn.linear_model._logistic', 'LogisticRegression'), 'allowed');
    assert.equal(kind(new Policy(getProfile('data')), 'torch._utils', '_rebuild_tensor_v2'), 'unknown');
  });
  it('a user allowlist extends a profile but cannot allow a denied name', () => {
    const file = parseAllowlist(
      'profile = "torch"\n[[allow]]\nname = "mylab.models.**.{Class}"\nuses = ["new", "build"]\n[[allow]]\nname = "os.system"\nuses = ["call"]\n',
      'ours.toml',
    );
    assert.equal(file.profile, 'torch');
    const p = new Policy(getProfile('torch'), file.allow);
    assert.equal(kind(p, 'mylab.models.resnet', 'TinyResNet'), 'allowed');
    assert.equal(kind(p, 'os', 'system'), 'denied');
  });
  it('rejects malformed allowlist files with E_POLICY', () => {
    const bad = ['{"allow": [{"name": 5}]}', '{"allow": ["torch.*"]}', '{"allow": [{"name": "a.b", "uses": ["run"]}]}', '{"extra": 1}', 'not json'];
    for (const text of bad) {
      assert.throws(
        () => parseAllowlist(text, 'x.json'),
        (e: unknown) => e instanceof ModelguardError && e.code === 'E_POLICY',
        text,
      );
    }
  });
});
