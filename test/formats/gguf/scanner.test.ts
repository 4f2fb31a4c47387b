import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanFile } from '../../../src/scan/scan-file.js';
import { fixture, has, outcomeFixtures, ruleSeverities, scanBytes } from '../helpers.js';
import { simpleGguf } from './writer.js';

describe('GGUF fixtures', () => {
  for (const { name, expected } of outcomeFixtures('gguf', '.gguf')) {
    it(`${name} is ${expected}`, async () => {
      const r = await scanFile(fixture('gguf', name));
      assert.equal(r.format, 'gguf');
      assert.equal(r.verdict, expected, ruleSeverities(r).join(', '));
    });
  }

  it('reports version, architecture, tensor types and template keys', async () => {
    const r = await scanFile(fixture('gguf', 'clean__named-templates.gguf'));
    assert.equal(r.info['gguf version'], 3);
    assert.equal(r.info['general.architecture'], 'llama');
    assert.equal(r.info['tensors'], 3);
    assert.deepEqual(r.info['tensor types'], ['F32', 'Q8_0']);
    assert.deepEqual(r.info['chat templates'], ['tokenizer.chat_template', 'tokenizer.chat_template.tool_use']);
  });

  it('parses version 1 and big-endian files', async () => {
    const v1 = await scanFile(fixture('gguf', 'clean__v1-chatml.gguf'));
    assert.equal(v1.info['gguf version'], 1);
    const be = await scanFile(fixture('gguf', 'clean__big-endian-chatml.gguf'));
    assert.equal(be.info['byte order'], 'big-endian');
    assert.equal(be.info['tensors'], 3);
    assert.equal(be.verdict, 'clean');
  });

  it('flags a template in a named chat template with full severity', async () => {
    const r = await scanFile(fixture('gguf', 'malicious__ssti-in-named-template.gguf'));
    assert.ok(
      r.findings.some((f) => f.rule === 'gguf/template-injection' && f.severity === 'malicious' && f.message.startsWith('tokenizer.chat_template.rag')),
    );
  });

  it('caps template findings in keys no loader renders at suspicious', async () => {
    const r = await scanFile(fixture('gguf', 'suspicious__ssti-in-unrendered-key.gguf'));
    assert.ok(has(r, 'gguf/template-injection', 'suspicious'));
    assert.ok(!r.findings.some((f) => f.severity === 'malicious'));
  });

  it('analyses every value of a duplicated template key', async () => {
    const r = await scanFile(fixture('gguf', 'malicious__duplicate-template-key.gguf'));
    assert.ok(has(r, 'gguf/malformed', 'malicious'));
    assert.ok(has(r, 'gguf/template-injection', 'malicious'));
  });

  it('does not treat Jinja-looking vocabulary entries as templates', async () => {
    // The fixture vocabulary holds "{{ not a template }}"; arrays outside tokenizer.chat_template* are not rendered.
    const r = await scanFile(fixture('gguf', 'clean__no-template.gguf'));
    assert.deepEqual(r.findings, []);
  });

  it('reports an unparseable template as suspicious at least', async () => {
    const r = await scanBytes(simpleGguf({ 'tokenizer.chat_template': '{% for m in messages %}{{ m.content }' }));
    assert.ok(has(r, 'gguf/template-unparsed', 'suspicious'), ruleSeverities(r).join(', '));
    assert.notEqual(r.verdict, 'clean');
  });
});
