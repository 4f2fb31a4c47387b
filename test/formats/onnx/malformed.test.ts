/** One describe per way to break or abuse an ONNX protobuf; bytes built here. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { has, ruleSeverities, scanBytes } from '../helpers.js';
import { bytes, externalTensor, initializer, int, model, msg, node, str, varint } from './pb.js';

async function verdictOf(b: Uint8Array): Promise<string> {
  return (await scanBytes(b, 'model.onnx')).verdict;
}

describe('sanity', () => {
  it('a minimal model is clean', async () => {
    const r = await scanBytes(model(node('Relu')));
    assert.equal(r.verdict, 'clean', ruleSeverities(r).join(', '));
  });
});

describe('length past the end of the message', () => {
  it('graph length beyond the file', async () => {
    const b = Uint8Array.from([...int(1, 8), ...varint((7 << 3) | 2), ...varint(1_000_000), 1, 2, 3]);
    const r = await scanBytes(b);
    assert.ok(has(r, 'onnx/malformed', 'suspicious'), ruleSeverities(r).join(', '));
  });
  it('node length beyond its graph', async () => {
    const inner = [...varint((1 << 3) | 2), ...varint(500), 0];
    const b = Uint8Array.from([...int(1, 8), ...bytes(7, inner), ...msg(8, int(2, 13))]);
    assert.notEqual(await verdictOf(b), 'clean');
  });
});

describe('invalid wire data', () => {
  it('group wire type', async () => {
    assert.notEqual(await verdictOf(Uint8Array.from([...int(1, 8), (7 << 3) | 3, 0, 0, 0])), 'clean');
  });
  it('field number 0 inside a graph', async () => {
    assert.notEqual(await verdictOf(Uint8Array.from([...int(1, 8), ...bytes(7, [0x02, 0x00])])), 'clean');
  });
  it('an 11-byte varint', async () => {
    assert.notEqual(await verdictOf(Uint8Array.from([...int(1, 8), ...bytes(7, [0x08, ...new Array(10).fill(0xff), 0x01])])), 'clean');
  });
});

describe('model without graph or opset', () => {
  it('no graph', async () => {
    const r = await scanBytes(Uint8Array.from([...int(1, 8), ...str(2, 'x'), ...msg(8, int(2, 13))]));
    assert.ok(has(r, 'onnx/malformed'), ruleSeverities(r).join(', '));
  });
});

describe('external data tricks', () => {
  it('traversal reported after a later field breaks', async () => {
    const good = model(initializer(...externalTensor('w', [['location', '../../../etc/passwd']])));
    const broken = Uint8Array.from([...good, ...varint((20 << 3) | 2), ...varint(9999)]);
    const r = await scanBytes(broken);
    assert.ok(has(r, 'onnx/external-data-traversal', 'malicious'), ruleSeverities(r).join(', '));
  });
  it('a second location entry hides a traversal', async () => {
    const r = await scanBytes(
      model(
        initializer(
          ...externalTensor('w', [
            ['location', 'ok.bin'],
            ['location', '/etc/shadow'],
          ]),
        ),
      ),
    );
    assert.ok(has(r, 'onnx/external-data-traversal', 'malicious'));
    assert.ok(has(r, 'onnx/malformed', 'suspicious'));
  });
  it('external data_location without a location', async () => {
    const r = await scanBytes(model(initializer(int(1, 4), int(2, 1), str(8, 'w'), int(14, 1))));
    assert.ok(has(r, 'onnx/malformed', 'suspicious'), ruleSeverities(r).join(', '));
  });
  it('traversal in a sparse initializer', async () => {
    const sparse = msg(15, msg(1, ...externalTensor('v', [['location', 'x/../../secret']])), msg(2, int(1, 1), int(2, 7)));
    const r = await scanBytes(model(sparse));
    assert.ok(has(r, 'onnx/external-data-traversal', 'malicious'), ruleSeverities(r).join(', '));
  });
  it('traversal in a Loop body constant', async () => {
    const constant = node('Constant', '', msg(5, str(1, 'value'), msg(5, ...externalTensor('c', [['location', '/proc/self/environ']]))));
    const body = msg(6, str(2, 'body'), constant);
    const loop = node('Loop', '', msg(5, str(1, 'body'), body));
    const r = await scanBytes(model(loop));
    assert.ok(has(r, 'onnx/external-data-traversal', 'malicious'), ruleSeverities(r).join(', '));
  });
  it('traversal in a training graph', async () => {
    const training = msg(20, msg(1, str(2, 'init'), initializer(...externalTensor('t', [['location', '../t']]))));
    const b = Uint8Array.from([...model(node('Relu')), ...training]);
    const r = await scanBytes(b);
    assert.ok(has(r, 'onnx/external-data-traversal', 'malicious'), ruleSeverities(r).join(', '));
  });
});

describe('custom operator domains', () => {
  it('an unknown domain is suspicious', async () => {
    const r = await scanBytes(model(node('Evil', 'com.attacker.ops')));
    assert.ok(has(r, 'onnx/custom-domain', 'suspicious'));
  });
  it('onnxruntime contrib ops are not flagged', async () => {
    const r = await scanBytes(model(node('FusedMatMul', 'com.microsoft')));
    assert.equal(r.verdict, 'clean');
  });
  it('an op from a domain with local functions but no such function is suspicious', async () => {
    const fn = msg(25, str(1, 'Known'), str(10, 'my.domain'));
    const b = Uint8Array.from([...model(node('Unknown', 'my.domain')), ...fn]);
    assert.ok(has(await scanBytes(b), 'onnx/custom-domain', 'suspicious'));
  });
});

describe('fields in an unusual order', () => {
  it('a model whose graph comes before ir_version is still scanned', async () => {
    const graph = msg(7, str(2, 'g'), initializer(...externalTensor('w', [['location', '/etc/passwd']])));
    const r = await scanBytes(Uint8Array.from([...graph, ...int(1, 8), ...msg(8, int(2, 13))]), 'model.bin');
    assert.equal(r.format, 'onnx');
    assert.ok(has(r, 'onnx/external-data-traversal', 'malicious'), ruleSeverities(r).join(', '));
  });
  it('is not claimed for other formats', async () => {
    const r = await scanBytes(Uint8Array.from([0x08, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]));
    assert.equal(r.format, 'safetensors');
  });
});
