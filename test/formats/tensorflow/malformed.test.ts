/**
 * Hostile TensorFlow files built in the test, one attack per describe:
 * every one ends with a finding, never a crash or an internal error, never
 * `clean` when the file is broken.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BufferSource } from '../../../src/bytes/source.js';
import { ModelguardError } from '../../../src/errors.js';
import { readBundleIndex } from '../../../src/formats/tensorflow/checkpoint-index.js';
import { GraphBudget, readGraph } from '../../../src/formats/tensorflow/graph.js';
import { wireCursor } from '../../../src/bytes/protobuf.js';
import { scanBuffer } from '../../../src/scan/engine.js';
import { fixture, rules } from '../../helpers.js';
import { cat, graphDef, len, nodeDef, savedModel, str, varint, vint } from './proto.js';

const scan = (b: Uint8Array, format?: string) => scanBuffer(b, 'hostile.pb', format === undefined ? {} : { format });

function noCrash(r: Awaited<ReturnType<typeof scan>>, what: string): void {
  assert.ok(!rules(r.findings).includes('engine/internal-error'), `${what}: ${r.findings.map((f) => f.message).join('; ')}`);
}

describe('truncation', () => {
  it('a SavedModel cut at every offset is never clean and never an internal error', async () => {
    const data = readFileSync(fixture('tensorflow', 'clean__saved-model-tf2.pb'));
    for (let n = 1; n < data.length; n += 7) {
      const r = await scan(data.subarray(0, n));
      assert.notEqual(r.verdict, 'clean', `cut at ${n}`);
      noCrash(r, `cut at ${n}`);
    }
  });
  it('forced as a SavedModel, a cut file is malformed', async () => {
    const data = readFileSync(fixture('tensorflow', 'clean__saved-model-tf2.pb'));
    const r = await scan(data.subarray(0, 1000), 'tf-saved-model');
    assert.equal(r.verdict, 'suspicious');
    assert.ok(rules(r.findings).includes('engine/malformed'));
  });
  it('a checkpoint index cut anywhere is never clean', async () => {
    const data = readFileSync(fixture('tensorflow', 'savedmodel', 'variables', 'variables.index'));
    for (let n = 1; n < data.length; n++) {
      const r = await scan(data.subarray(0, n), 'tf-checkpoint-index');
      assert.notEqual(r.verdict, 'clean', `cut at ${n}`);
      noCrash(r, `cut at ${n}`);
    }
  });
});

describe('declared lengths beyond the file', () => {
  it('a meta graph claiming 2^40 bytes is not claimed by the sniffer, and malformed when forced', async () => {
    const b = cat(vint(1, 1), varint(0x12), varint(2n ** 40n), new Uint8Array(16));
    assert.notEqual((await scan(b)).format, 'tf-saved-model');
    const r = await scan(b, 'tf-saved-model');
    assert.ok(rules(r.findings).includes('engine/malformed'));
    noCrash(r, 'forced');
  });
  it('a node op string claiming 1 GB inside a small graph is malformed', async () => {
    const node = cat(str(1, 'n'), varint(0x12), varint(1 << 30), Buffer.from('ReadFile'));
    const r = await scan(savedModel(cat(varint(0x0a), varint(node.length), node)), 'tf-saved-model');
    assert.ok(rules(r.findings).includes('engine/malformed'));
  });
  it('Keras metadata claiming 2^31 bytes is malformed without allocation', async () => {
    const obj = cat(str(4, '_tf_keras_layer'), varint(0x2a), varint(2 ** 31), Buffer.from('{}'));
    const r = await scan(cat(varint(0x0a), varint(obj.length), obj), 'tf-keras-metadata');
    assert.ok(rules(r.findings).includes('engine/malformed'));
  });
});

describe('resource bounds', () => {
  it('the node budget stops a graph with too many nodes', () => {
    const g = graphDef(...Array.from({ length: 50 }, (_, i) => nodeDef(`n${i}`, 'NoOp')));
    const src = wireCursor(new BufferSource(g));
    assert.throws(
      () => readGraph(src, 0, g.length, new GraphBudget(10)),
      (e) => e instanceof ModelguardError && e.code === 'E_LIMIT',
    );
  });
  it('attributes nested past the bound are E_LIMIT', async () => {
    // AttrValue.func (10) → NameAttrList.attr (2) → entry.value (2) → AttrValue.func ... 100 levels
    let attr: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 100; i++) attr = len(10, len(2, str(1, 'k'), len(2, attr)));
    const node = cat(str(1, 'n'), str(2, 'Identity'), len(5, str(1, 'f'), len(2, attr)));
    const r = await scan(savedModel(graphDef(node)), 'tf-saved-model');
    assert.equal(r.verdict, 'unscannable');
    assert.ok(rules(r.findings).includes('engine/limit'));
  });
  it('a huge frozen graph is judged without reading its tensor contents', async () => {
    // One Const node carrying 64 MB of "tensor" bytes: the scan reads headers only.
    const tensor = new Uint8Array(64 * 1024 * 1024);
    const node = cat(str(1, 'w'), str(2, 'Const'), len(5, str(1, 'value'), len(2, len(8, tensor))));
    const g = graphDef(nodeDef('x', 'Placeholder'), node, nodeDef('y', 'MatMul', 'x', 'w'));
    const started = performance.now();
    const r = await scan(g);
    assert.equal(r.format, 'tf-graph-def');
    assert.equal(r.verdict, 'clean');
    assert.ok(performance.now() - started < 3000);
  });
});

describe('checkpoint index tables', () => {
  const index = readFileSync(fixture('tensorflow', 'savedmodel', 'variables', 'variables.index'));
  const code = (b: Uint8Array): string | undefined => {
    try {
      readBundleIndex(new BufferSource(b));
      return undefined;
    } catch (e) {
      return e instanceof ModelguardError ? e.code : 'other';
    }
  };
  it('a flipped data byte fails the block CRC', () => {
    const b = Uint8Array.from(index);
    b[10] = (b[10] as number) ^ 0xff;
    assert.equal(code(b), 'E_MALFORMED');
  });
  it('an index handle pointing past the file is E_TRUNCATED', () => {
    const b = Uint8Array.from(index);
    const footer = b.length - 48;
    // metaindex handle, then the index handle: rewrite both as huge offsets.
    b.set(cat(varint(0), varint(0), varint(2n ** 40n), varint(16)), footer);
    assert.equal(code(b), 'E_TRUNCATED');
  });
  it('a block declaring more restarts than bytes is E_MALFORMED', async () => {
    const r = await scan(Uint8Array.from(index).fill(0xff, 0, 4), 'tf-checkpoint-index');
    assert.notEqual(r.verdict, 'clean');
  });
  it('random bytes with the table magic are never clean', async () => {
    const b = new Uint8Array(200).map((_, i) => (i * 37) & 0xff);
    b.set([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb], 192);
    const r = await scan(b);
    assert.equal(r.format, 'tf-checkpoint-index');
    assert.notEqual(r.verdict, 'clean');
    noCrash(r, 'random table');
  });
});

describe('sniffing is conservative', () => {
  it('text, zeros and random bytes are not TensorFlow', async () => {
    for (const b of [Buffer.from('hello world, this is text\n'), new Uint8Array(1000), new Uint8Array(1000).map((_, i) => (i * 7919) & 0xff)]) {
      const r = await scan(b);
      assert.ok(!r.format.startsWith('tf-'), r.format);
    }
  });
  it('a GraphDef whose first node has a binary name is not claimed', async () => {
    const r = await scan(graphDef(cat(len(1, Uint8Array.from([0, 1, 2])), str(2, 'Const'))));
    assert.ok(!r.format.startsWith('tf-'));
  });
});

describe('repeated singular fields', () => {
  it('every op value of a node is judged (the C++ parser keeps the last)', async () => {
    const node = cat(str(1, 'n'), str(2, 'ReadFile'), str(2, 'Identity'));
    const r = await scan(savedModel(graphDef(node)));
    assert.equal(r.verdict, 'malicious');
  });
  it('a second graph_def in the same meta graph is merged, not ignored', async () => {
    const r = await scan(savedModel(graphDef(nodeDef('a', 'NoOp')), len(2, graphDef(nodeDef('b', 'WriteFile')))));
    assert.equal(r.verdict, 'malicious');
  });
});
