/**
 * safetensors is recognised by its structure before any pickle reading of
 * its bytes: a header length whose bytes read as pickle opcodes (384 is
 * `80 01`, a PROTO) is not an alarm, while a file that `pickle.load` would
 * really run from is still read as a pickle too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferSource } from '../../../src/bytes/source.js';
import { readSafetensorsStrict } from '../../../src/convert/safetensors/strict-reader.js';
import { scanBuffer } from '../../../src/scan/engine.js';
import { looksLikePickle } from '../../../src/formats/pickle/sniff.js';
import { pickleLoadOutcome } from '../../../src/formats/pickle/load-outcome.js';
import { detectFormats } from '../../../src/scan/detect.js';
import { SLOW } from '../helpers.js';

const enc = new TextEncoder();

/** Every header length from the smallest object (`{}`) to 64 KiB. */
const MAX_SWEEP = 64 * 1024;

/** A valid safetensors file whose header is exactly `length` bytes (JSON padded with spaces, as writers do). */
function fileWithHeaderLength(length: number, buf: Uint8Array): Uint8Array {
  const full = '{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const json = length >= full.length ? full : '{}';
  const data = json === full ? 8 : 0;
  const out = buf.subarray(0, 8 + length + data);
  new DataView(out.buffer, out.byteOffset).setBigUint64(0, BigInt(length), true);
  out.set(enc.encode(json), 8);
  out.fill(0x20, 8 + json.length, 8 + length);
  out.fill(0x3f, 8 + length);
  return out;
}

describe('safetensors header lengths', () => {
  it(`no header length from 2 to ${MAX_SWEEP} bytes is flagged`, async () => {
    const buf = new Uint8Array(8 + MAX_SWEEP + 8);
    const flagged: string[] = [];
    let scanned = 0;
    for (let n = 2; n <= MAX_SWEEP; n++) {
      const bytes = fileWithHeaderLength(n, buf);
      const src = new BufferSource(bytes);
      // What can differ from one length to the next is which formats claim the bytes and whether pickle.load
      // would read them; the header itself is checked the same way at every length. Every length gets those two
      // checks; the whole scan runs for every length where either is not plain safetensors, for the lengths a
      // 4 KiB sniff window holds whole, for one in 61 beyond, and for all of them under SLOW=1.
      const claims = detectFormats(src).map((f) => f.id);
      const load = pickleLoadOutcome(src, 0, src.size).end;
      const plain = claims.length === 1 && claims[0] === 'safetensors' && load !== 'acts' && load !== 'stop';
      if (!plain || n <= 4096 || n % 61 === 0 || SLOW) {
        scanned++;
        const r = await scanBuffer(bytes, 'model.safetensors');
        if (r.verdict !== 'clean' || !r.format.startsWith('safetensors')) flagged.push(`${n}: ${r.format} ${r.verdict}`);
      }
    }
    assert.deepEqual(flagged.slice(0, 20), []);
    assert.ok(scanned > 4000);
  });

  it('lengths whose first bytes are a pickle PROTO (384, 640, 896, 1152, 1408) are safetensors alone', async () => {
    for (const n of [128, 384, 640, 896, 1152, 1408]) {
      const bytes = fileWithHeaderLength(n, new Uint8Array(8 + n + 8));
      assert.equal(bytes[0], 0x80);
      assert.equal(looksLikePickle(bytes.subarray(0, 4096)), false, `${n}`);
      const r = await scanBuffer(bytes, 'model.safetensors');
      assert.equal(r.format, 'safetensors', `${n}`);
      assert.equal(r.verdict, 'clean', `${n}`);
      assert.equal(readSafetensorsStrict(new BufferSource(bytes)).headerLength, n);
    }
  });

  it('a valid file that pickle.load also reads to a STOP (header length 11854: `N.`) is read both ways, and is clean', async () => {
    const bytes = fileWithHeaderLength(0x2e4e, new Uint8Array(8 + 0x2e4e + 8));
    const r = await scanBuffer(bytes, 'model.safetensors');
    assert.equal(r.format, 'safetensors+pickle');
    assert.equal(r.verdict, 'clean');
  });
});

/**
 * A real polyglot: a valid safetensors file that pickle.load runs. The
 * length bytes `80 04 47 00` are PROTO 4 and a BINFLOAT that swallows the
 * rest of the length, `{"` and one more byte; the first tensor's name then
 * holds protocol-4 opcodes, all legal in a JSON string: two SHORT_BINSTRINGs
 * (module and a dotted name that reaches os.system), a BINPUT/BINGET pair
 * whose index byte 0xC2 leads the UTF-8 characters U+0088 and U+0093 whose
 * second bytes are NEWTRUE and STACK_GLOBAL, then MARK, the command, TUPLE,
 * REDUCE, STOP. (Checked once with the sandboxed loader: the command runs.)
 */
function polyglot(): Uint8Array {
  const module = 'multiprocessing.resource_tracker';
  const name = 'os.path.os.path.os.path.os.system';
  const command = 'touch /tmp/modelguard-marker; echo polyglot';
  assert.equal(module.length, 0x20);
  const payload: number[] = [
    0x55,
    module.length,
    ...enc.encode(module),
    0x55,
    name.length,
    ...enc.encode(name),
    0x71,
    0xc2,
    0x88, // BINPUT 194, NEWTRUE
    0x30,
    0x30, // POP, POP
    0x68,
    0xc2,
    0x93, // BINGET 194, STACK_GLOBAL
    0x28,
    0x55,
    command.length,
    ...enc.encode(command),
    0x74,
    0x52,
    0x2e, // MARK, SHORT_BINSTRING, TUPLE, REDUCE, STOP
  ];
  const length = 0x80 | (0x04 << 8) | (0x47 << 16);
  const key = new Uint8Array([0x41, ...payload]);
  const rest = enc.encode('":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}');
  const out = new Uint8Array(8 + length + 4).fill(0x20);
  new DataView(out.buffer).setBigUint64(0, BigInt(length), true);
  out.set([0x7b, 0x22], 8);
  out.set(key, 10);
  out.set(rest, 10 + key.length);
  out.set([1, 2, 3, 4], 8 + length);
  return out;
}

describe('safetensors polyglots', () => {
  it('a valid file that pickle.load runs is still read as a pickle, and is malicious', async () => {
    const bytes = polyglot();
    assert.equal(readSafetensorsStrict(new BufferSource(bytes)).tensors.length, 1);
    const r = await scanBuffer(bytes, 'model.safetensors');
    assert.equal(r.format, 'safetensors+pickle');
    assert.equal(r.verdict, 'malicious', JSON.stringify(r.findings.map((f) => f.rule)));
    assert.ok(r.findings.some((f) => f.rule.startsWith('pickle/')));
    assert.ok(!r.findings.some((f) => f.rule === 'safetensors/malformed'));
  });
  it('an invalid file that starts like a pickle is read both ways, as before', async () => {
    const bytes = new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e, 0x00, 0x00, 0x7b, 0x22, 0x7d]);
    const r = await scanBuffer(bytes, 'model.safetensors');
    assert.equal(r.format, 'safetensors+pickle');
    assert.equal(r.verdict, 'malicious');
    assert.ok(r.findings.some((f) => f.rule === 'safetensors/malformed'));
  });
});
