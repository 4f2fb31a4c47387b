/** Huge declared counts and lengths finish fast, with a finding, without allocating. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { has, ruleSeverities, scanSrc, SparseSource, RecordingSource } from '../helpers.js';
import { header, simpleGguf, T } from './writer.js';

describe('GGUF resource bounds', () => {
  it('a 2^64-1 string length is malformed', async () => {
    const r = await scanSrc(
      new RecordingSource(
        header(0, 1)
          .u64((1n << 64n) - 1n)
          .raw([0x61])
          .bytes(),
      ),
    );
    assert.ok(has(r, 'gguf/malformed', 'malicious'), ruleSeverities(r).join(', '));
  });

  it('a 2^60 kv count in a 1 GiB (sparse) file is malformed, fast, without big reads', async () => {
    const src = new SparseSource(header(0, 1n << 60n).bytes(), 1 << 30);
    const r = await scanSrc(src);
    assert.ok(has(r, 'gguf/malformed', 'malicious'), ruleSeverities(r).join(', '));
    assert.ok(src.maxRead <= 1 << 20, `largest read ${src.maxRead}`);
  });

  it('a 10^15 tensor count is refused before looping', async () => {
    const src = new SparseSource(header(1e15, 0).bytes(), 1 << 30);
    const r = await scanSrc(src);
    assert.ok(has(r, 'gguf/malformed', 'malicious'), ruleSeverities(r).join(', '));
  });

  it('a 4 GiB string claim in a small file is malformed without allocation', async () => {
    const src = new RecordingSource(
      header(0, 1)
        .str('tokenizer.chat_template')
        .u32(T.STR)
        .u64(4n << 30n)
        .raw(new Uint8Array(100))
        .bytes(),
    );
    const r = await scanSrc(src);
    assert.ok(has(r, 'gguf/malformed', 'malicious'));
    assert.ok(src.maxRead <= 4096);
  });

  it('walks a 300,000-entry string array (a vocabulary)', async () => {
    const b = header(0, 1).str('tokenizer.ggml.tokens').u32(T.ARR).u32(T.STR).u64(300_000);
    for (let i = 0; i < 300_000; i++) b.str('tok');
    const r = await scanSrc(new RecordingSource(b.bytes()));
    assert.equal(r.verdict, 'clean', ruleSeverities(r).join(', '));
  });

  it('refuses to analyse a template above maxTemplateBytes (unscannable, not clean)', async () => {
    const big = `{{ x }}${'a'.repeat((1 << 20) + 10)}`;
    const r = await scanSrc(new RecordingSource(simpleGguf({ 'tokenizer.chat_template': big })));
    assert.ok(has(r, 'engine/limit', 'unscannable'));
    assert.equal(r.verdict, 'unscannable');
  });
});
