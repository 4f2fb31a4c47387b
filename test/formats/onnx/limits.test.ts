/** Huge declared lengths and deep nesting finish fast with a finding, without big reads. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { has, RecordingSource, ruleSeverities, scanSrc, SparseSource } from '../helpers.js';
import { bytes, int, msg, str, varint } from './pb.js';

describe('ONNX resource bounds', () => {
  it('a 2^60 declared graph length is malformed without allocation', async () => {
    const src = new SparseSource(Uint8Array.from([...int(1, 8), ...varint((7 << 3) | 2), ...varint(1n << 60n)]), 1 << 30);
    const r = await scanSrc(src);
    assert.notEqual(r.verdict, 'clean');
    assert.ok(src.maxRead <= 1 << 20);
  });

  it('skips a 200 MB raw_data payload by length without reading it', async () => {
    const head = [...int(1, 8), ...varint((7 << 3) | 2), ...varint(200_000_000 + 20)];
    const tensorHead = [...varint((5 << 3) | 2), ...varint(200_000_000 + 12), ...str(8, 'w'), ...varint((9 << 3) | 2), ...varint(200_000_000 - 4)];
    const src = new SparseSource(Uint8Array.from([...head, ...tensorHead]), head.length + 200_000_000 + 20);
    const r = await scanSrc(src);
    assert.ok(src.maxRead <= 1 << 20, `largest read ${src.maxRead}`);
    assert.ok(r.verdict !== undefined);
  });

  it('stops subgraph nesting at maxGraphDepth', async () => {
    let graph = str(2, 'leaf');
    for (let i = 0; i < 100; i++) graph = msg(1, str(4, 'If'), msg(5, str(1, 'then_branch'), bytes(6, graph)));
    const b = Uint8Array.from([...int(1, 8), ...bytes(7, graph), ...msg(8, int(2, 13))]);
    const r = await scanSrc(new RecordingSource(b));
    assert.ok(has(r, 'engine/limit', 'unscannable'), ruleSeverities(r).join(', '));
  });

  it('a 10 MB location string is refused', async () => {
    const loc = new Uint8Array(10 << 20).fill(0x61);
    const entry = bytes(13, [...bytes(1, new TextEncoder().encode('location')), ...bytes(2, loc)]);
    const b = Uint8Array.from([...int(1, 8), ...msg(7, msg(5, int(2, 1), entry, int(14, 1))), ...msg(8, int(2, 13))]);
    const r = await scanSrc(new RecordingSource(b));
    assert.ok(has(r, 'onnx/malformed'), ruleSeverities(r).join(', '));
  });
});
