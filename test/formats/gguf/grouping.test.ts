/** One finding per attribute chain: the steps of one escape are listed together, not repeated. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture } from '../helpers.js';

describe('template findings grouped by chain', () => {
  it('cycler.__init__.__globals__.os.popen is one malicious finding naming every step', async () => {
    const r = await scanFile(fixture('gguf', 'malicious__ssti-cycler-globals-os.gguf'));
    const found = r.findings.filter((f) => f.rule === 'gguf/template-injection');
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    const [f] = found;
    assert.equal(f?.severity, 'malicious');
    for (const step of ['popen', '__globals__', '__init__', 'cycler']) assert.ok(f?.message.includes(step), step);
  });
  it('a clean chat template still yields no finding', async () => {
    const r = await scanFile(fixture('gguf', 'clean__llama3.1-chat-template.gguf'));
    assert.deepEqual(
      r.findings.filter((f) => f.severity !== 'info'),
      [],
    );
  });
});
