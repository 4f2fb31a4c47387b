/** Hostile sizes must finish fast, with a finding, without allocating what they declare. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concat, has, RecordingSource, ruleSeverities, scanSrc, SparseSource, text, u64le } from '../helpers.js';

describe('safetensors resource bounds', () => {
  it('does not read a header declared at 99 MB in a file that is 20 bytes', async () => {
    const src = new RecordingSource(concat(u64le(99_000_000), text('{"a":1}     ')));
    const r = await scanSrc(src);
    assert.ok(has(r, 'safetensors/malformed', 'malicious'));
    assert.ok(src.maxRead <= 4096, `largest read ${src.maxRead}`);
  });

  it('rejects a 2^63 header length before any allocation', async () => {
    const src = new SparseSource(concat(u64le(1n << 63n), text('{}')), 1 << 30);
    const r = await scanSrc(src);
    assert.ok(has(r, 'safetensors/malformed', 'malicious'));
    // Other sniffers look at bounded windows (the zip end record search reads
    // its last 64 KiB + 22 bytes); nothing reads anything near the declared size.
    assert.ok(src.maxRead <= 65_557 + 4096, `largest read ${src.maxRead}`);
  });

  it('stops deep nesting at maxJsonDepth with an engine/limit finding', async () => {
    const body = `{"__metadata__":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const r = await scanSrc(new RecordingSource(concat(u64le(body.length), text(body))));
    assert.equal(r.verdict, 'unscannable', ruleSeverities(r).join(', '));
    assert.ok(has(r, 'engine/limit'));
  });

  it('handles a header with 100,000 tensors', async () => {
    const parts: string[] = [];
    for (let i = 0; i < 100_000; i++) parts.push(`"t${i}":{"dtype":"U8","shape":[1],"data_offsets":[${i},${i + 1}]}`);
    const body = `{${parts.join(',')}}`;
    const r = await scanSrc(new RecordingSource(concat(u64le(body.length), text(body), new Uint8Array(100_000))));
    assert.equal(r.verdict, 'clean', ruleSeverities(r).slice(0, 3).join(', '));
    assert.equal(r.info['tensors'], 100_000);
  });
});
