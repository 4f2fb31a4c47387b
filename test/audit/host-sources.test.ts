/** Risky loading calls in Python sources: what is flagged, what is not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeOnly } from '../../src/audit/host-python-text.js';
import { auditSource } from '../../src/audit/host-sources.js';
import { auditEnvText } from '../../src/audit/host-secrets.js';
import { mlCommand } from '../../src/audit/host-processes.js';

function rules(src: string): string[] {
  return auditSource('train.py', src).map((f) => `${f.rule}@${f.where.split(':')[1] ?? ''}`);
}

describe('torch.load', () => {
  it('without weights_only, across lines', () => {
    assert.deepEqual(rules('import torch\nsd = torch.load(\n    "ckpt.pt",\n    map_location="cpu")\n'), ['host/source-torch-load-default@2']);
  });
  it('with weights_only=False is high, once', () => {
    assert.deepEqual(rules('m = torch.load(p, weights_only=False)\n'), ['host/source-weights-only-false@1']);
  });
  it('with weights_only=True is fine', () => {
    assert.deepEqual(rules('m = torch.load(p, map_location="cpu", weights_only=True)\n'), []);
  });
  it('weights_only=False passed elsewhere (a wrapper, a kwargs dict) is flagged', () => {
    assert.deepEqual(rules('load_checkpoint(path, weights_only=False)\n'), ['host/source-weights-only-false@1']);
  });
  it('is not flagged in comments, strings or docstrings', () => {
    assert.deepEqual(rules('# torch.load(p, weights_only=False)\nprint("torch.load(x)")\n"""\npickle.load(f)\ntrust_remote_code=True\n"""\n'), []);
  });
});

describe('other risky calls', () => {
  it('pickle, joblib and dill loads, trust_remote_code, allow_pickle', () => {
    const src = [
      'import pickle, joblib',
      'a = pickle.load(open(p, "rb"))',
      'b = joblib.load(p)',
      'm = AutoModel.from_pretrained(name, trust_remote_code=True)',
      'x = np.load(p, allow_pickle=True)',
      'ok = np.load(p, allow_pickle=False)',
    ].join('\n');
    assert.deepEqual(rules(src), ['host/source-pickle-load@2', 'host/source-pickle-load@3', 'host/source-trust-remote-code@4', 'host/source-allow-pickle@5']);
  });
  it('every finding names its guidance and a fix', () => {
    for (const f of auditSource('x.py', 'torch.load(p)\npickle.loads(b)\n')) {
      assert.match(f.guidance.framework, /PyTorch|MXNet/);
      assert.ok(f.guidance.reference.startsWith('https://'));
      assert.ok(f.fix.length > 10);
    }
  });
});

describe('codeOnly', () => {
  it('keeps line numbers and blanks string contents, including raw and triple-quoted ones', () => {
    const src = "a = r'\\d'  # c\nb = '''x\ny'''\nc = \"q\\\"q\"\n";
    const out = codeOnly(src);
    assert.equal(out.split('\n').length, src.split('\n').length);
    assert.equal(out.includes('x'), false);
    assert.ok(out.startsWith('a = '));
  });
});

describe('env files', () => {
  it('finds credential-named variables and token shapes, never prints values', () => {
    const text = 'HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEF12\nexport DB_PASSWORD="s3cret-pass"\nDEBUG=1\nAPI_KEY=changeme\nAWS_KEY=AKIAABCDEFGHIJKLMNOP\n';
    const found = auditEnvText('.env', text, true);
    assert.deepEqual(
      found.map((f) => f.where),
      ['.env:1', '.env:2', '.env:5'],
    );
    for (const f of found) {
      assert.equal(f.rule, 'host/env-file-secret');
      assert.ok(!f.message.includes('s3cret') && !f.message.includes('hf_abc'));
    }
  });
});

describe('ML command lines', () => {
  it('recognises launchers, training scripts and modules', () => {
    assert.equal(mlCommand(['/usr/bin/torchrun', '--nproc_per_node=2', 'x.py']), 'torchrun');
    assert.equal(mlCommand(['python3', '-u', 'scripts/train.py', '--epochs', '3']), 'train.py');
    assert.equal(mlCommand(['python3.11', '-m', 'torch.distributed.run', 'a.py']), 'python -m torch.distributed.run');
    assert.equal(mlCommand(['python3', 'serve_model.py']), 'serve_model.py');
    assert.equal(mlCommand(['python3', 'manage.py', 'runserver']), undefined);
    assert.equal(mlCommand(['bash', 'train.py']), undefined);
  });
});
