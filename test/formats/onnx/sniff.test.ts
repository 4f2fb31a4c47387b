/** The ONNX sniffer against other protobuf formats with the same opening fields. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BufferSource } from '../../../src/bytes/source.js';
import { detectFormats } from '../../../src/scan/detect.js';
import { fixture } from '../helpers.js';
import { int, msg, str } from './pb.js';

const ids = (bytes: Uint8Array): string[] => detectFormats(new BufferSource(bytes)).map((f) => f.id);

describe('ONNX sniffing next to TensorFlow SavedModels', () => {
  for (const name of ['clean__saved-model-tf1.pb', 'clean__saved-model-tf2.pb', 'malicious__read-file-in-serving.pb']) {
    it(`${name} (schema_version 1, meta_graphs) is a SavedModel only`, () => {
      assert.deepEqual(ids(readFileSync(fixture('tensorflow', name))), ['tf-saved-model']);
    });
  }
  it('an ir_version 1 model with its graph in view is still ONNX', () => {
    const m = Uint8Array.from([...int(1, 1), ...str(2, 'old'), ...msg(7, str(2, 'g'))]);
    assert.ok(ids(m).includes('onnx'));
  });
  it('an ir_version 1 message without a graph is not claimed', () => {
    const m = Uint8Array.from([...int(1, 1), ...str(2, 'x'.repeat(40)), ...str(3, 'y')]);
    assert.ok(!ids(m).includes('onnx'));
  });
  it('an ir_version 8 model without a graph is still claimed, so its breakage is reported', () => {
    const m = Uint8Array.from([...int(1, 8), ...str(2, 'x'.repeat(40)), ...str(3, 'y')]);
    assert.ok(ids(m).includes('onnx'));
  });
});

describe("the sniffer's ModelProto wire table", () => {
  it('matches the official schema field by field', async () => {
    const { messageType } = await import('../../../src/formats/onnx/schema.js');
    const { MODEL_WIRE } = await import('../../../src/formats/onnx/sniff.js');
    const fromSchema = new Map(messageType('ModelProto').fieldsArray.map((f) => [f.id, /^(u?int(32|64)|sint(32|64)|bool)$/.test(f.type) ? 0 : 2]));
    assert.deepEqual(
      [...MODEL_WIRE].sort((a, b) => a[0] - b[0]),
      [...fromSchema].sort((a, b) => a[0] - b[0]),
    );
  });
});
