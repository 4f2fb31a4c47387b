/**
 * The age test vectors (C2SP CCTV, npm `cctv-age`), run whole, in random
 * pieces, and one byte at a time. Each vector's expected outcome maps to one
 * error code; for payload failures the plaintext released before the error
 * must match the vector's hash. Every vector runs, post-quantum hybrid
 * (mlkem768x25519) ones included.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import * as cctv from 'cctv-age';
import { ArmorDecoder, ArmorEncoder } from '../../src/age/armor.js';
import { Decryptor } from '../../src/age/decrypt.js';
import { parseHeader, serializeHeader, serializeHeaderNoMac } from '../../src/age/format.js';
import { parseIdentity } from '../../src/age/keys.js';
import type { Identity } from '../../src/age/recipient.js';
import { ScryptIdentity } from '../../src/age/scrypt.js';
import { X25519Identity } from '../../src/age/x25519.js';
import { payloadKey, StreamOpener, StreamSealer } from '../../src/age/stream.js';
import { ModelguardError } from '../../src/errors.js';
import { pieces } from '../vault/helpers.js';

interface Vector {
  name: string;
  meta: Map<string, string[]>;
  body: Uint8Array;
}

const EXPECT: Record<string, readonly string[]> = {
  success: ['ok'],
  'no match': ['E_AGE_NO_IDENTITY'],
  'HMAC failure': ['E_AGE_MAC'],
  'header failure': ['E_AGE_HEADER', 'E_AGE_LIMIT'],
  'payload failure': ['E_AGE_PAYLOAD'],
  'armor failure': ['E_AGE_ARMOR'],
};

function load(): Vector[] {
  const all = (cctv as unknown as { default?: Record<string, Uint8Array> }).default ?? cctv;
  const out: Vector[] = [];
  for (const [name, raw] of Object.entries(all)) {
    if (!(raw instanceof Uint8Array)) continue;
    const buf = Buffer.from(raw);
    const sep = buf.indexOf('\n\n');
    const meta = new Map<string, string[]>();
    for (const line of buf.subarray(0, sep).toString().split('\n')) {
      const i = line.indexOf(': ');
      const k = line.slice(0, i);
      meta.set(k, [...(meta.get(k) ?? []), line.slice(i + 2)]);
    }
    let body: Uint8Array = buf.subarray(sep + 2);
    if (meta.get('compressed')?.[0] === 'zlib') body = inflateSync(body);
    out.push({ name, meta, body });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function identitiesOf(v: Vector): Identity[] {
  const ids: Identity[] = (v.meta.get('identity') ?? []).map((s) => parseIdentity(s));
  for (const p of v.meta.get('passphrase') ?? []) ids.push(new ScryptIdentity(p));
  // Vectors that fail before any key is needed (empty files) name no identity.
  if (ids.length === 0) ids.push(X25519Identity.generate().identity);
  return ids;
}

/** Runs the decryptor over `parts`; returns the outcome code and the hash of released plaintext. */
function run(ids: Identity[], parts: Iterable<Uint8Array>): { code: string; hash: string } {
  const h = createHash('sha256');
  let code = 'ok';
  try {
    const d = new Decryptor(ids);
    for (const p of parts) for (const out of d.push(p)) h.update(out);
    for (const out of d.end()) h.update(out);
  } catch (e) {
    if (!(e instanceof ModelguardError)) throw e;
    code = e.code;
  }
  return { code, hash: h.digest('hex') };
}

function* bytes(data: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < data.length; i++) yield data.subarray(i, i + 1);
}

const vectors = load();
const BYTEWISE_MAX = 200_000;

describe('CCTV age test vectors', () => {
  it('the package has the vectors we expect', () => {
    assert.ok(vectors.length >= 140, `${vectors.length} vectors`);
  });

  for (const v of vectors) {
    const expect = v.meta.get('expect')?.[0] ?? '';
    const codes = EXPECT[expect];
    const ids = identitiesOf(v);
    const payload = v.meta.get('payload')?.[0];
    describe(v.name, () => {
      it(`${expect} when decrypted whole`, () => {
        assert.ok(codes !== undefined, `unknown expectation ${expect}`);
        const r = run(ids, [v.body]);
        assert.ok(codes.includes(r.code), `got ${r.code}, want ${codes.join('|')}`);
        if (payload !== undefined) assert.equal(r.hash, payload, 'released plaintext');
      });
      it(`${expect} when fed in random pieces and byte by byte`, () => {
        const whole = run(ids, [v.body]);
        const split = run(ids, pieces(v.body, 9000, v.name.length));
        assert.deepEqual(split, whole);
        if (v.body.length <= BYTEWISE_MAX) assert.deepEqual(run(ids, bytes(v.body)), whole);
      });
      if (expect !== 'header failure' && expect !== 'armor failure' && v.meta.get('armored') === undefined) {
        it('header re-serialises byte for byte', () => {
          const h = parseHeader(v.body);
          assert.deepEqual(Buffer.from(serializeHeaderNoMac(h.stanzas)), Buffer.from(h.macInput));
          assert.deepEqual(Buffer.from(serializeHeader(h.stanzas, h.mac)), Buffer.from(v.body.subarray(0, h.size)));
        });
      }
      if (expect === 'success' && v.meta.get('armored') === undefined) {
        it('STREAM re-encrypts to the same payload with the file key', () => {
          const h = parseHeader(v.body);
          const nonce = v.body.subarray(h.size, h.size + 16);
          const key = payloadKey(Buffer.from(v.meta.get('file key')?.[0] ?? '', 'hex'), nonce);
          const o = new StreamOpener(key);
          const pt = Buffer.concat([...o.push(v.body.subarray(h.size + 16)), ...o.end()]);
          const s = new StreamSealer(key);
          const again = Buffer.concat([...s.push(pt), ...s.end()]);
          assert.deepEqual(again, Buffer.from(v.body.subarray(h.size + 16)));
        });
      }
      if (expect === 'success' && v.meta.get('armored')?.[0] === 'yes') {
        it('armor decodes and our encoder reproduces canonical armor', () => {
          const d = new ArmorDecoder();
          const bin = Buffer.concat([...d.push(v.body), ...d.end()]);
          const e = new ArmorEncoder();
          const text = e.push(bin) + e.end();
          const d2 = new ArmorDecoder();
          assert.deepEqual(Buffer.concat([...d2.push(Buffer.from(text)), ...d2.end()]), bin);
          const canonical = Buffer.from(v.body).toString().trim().replace(/\r\n/g, '\n');
          assert.equal(text.trim(), canonical);
        });
      }
    });
  }
});
