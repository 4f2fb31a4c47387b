/** Strict bundle parsing (issue 23 item 6): unknown fields, repeated keys, media types, several signatures, empty manifests. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseBundle } from '../../src/sign/bundle.js';
import { SignError } from '../../src/sign/errors.js';
import { REF } from './env.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof SignError ? e.code : `other: ${String(e)}`;
  }
  return 'none';
};
const text = () => readFileSync(join(REF, 'v1.1.0-elliptic-key', 'model.sig'), 'utf8');
const golden = () => JSON.parse(text()) as Record<string, any>;

describe('strict bundles', () => {
  it('every reference bundle still parses', () => {
    for (const v of readdirSync(REF).filter((d) => d.startsWith('v'))) {
      assert.equal(
        code(() => parseBundle(readFileSync(join(REF, v, 'model.sig')))),
        'none',
        v,
      );
    }
  });
  it('refuses unknown fields at any level', () => {
    for (const edit of [
      (b: any) => (b.extra = 1),
      (b: any) => (b.verificationMaterial.publicKey.comment = 'x'),
      (b: any) => (b.dsseEnvelope.signatures[0].certificate = 'x'),
      (b: any) => (b.dsseEnvelope.unsigned = {}),
    ]) {
      const b = golden();
      edit(b);
      assert.equal(
        code(() => parseBundle(JSON.stringify(b))),
        'E_SIG_BUNDLE',
        String(edit),
      );
    }
  });
  it('refuses a repeated key (two parsers would read two different bundles)', () => {
    const t = text();
    const dup = t.replace('"dsseEnvelope":', '"payloadType":"x","dsseEnvelope":').replace('"payloadType":', '"payloadType":"application/x","payloadType":');
    assert.equal(
      code(() => parseBundle(dup)),
      'E_SIG_BUNDLE',
    );
    const topDup = `{"mediaType":"x",${t.slice(1)}`;
    assert.equal(
      code(() => parseBundle(topDup)),
      'E_SIG_BUNDLE',
    );
  });
  it('refuses unknown media types', () => {
    const b = golden();
    b['mediaType'] = 'application/vnd.dev.sigstore.bundle.v0.9+json';
    assert.equal(
      code(() => parseBundle(JSON.stringify(b))),
      'E_SIG_BUNDLE',
    );
  });
  it('refuses more than one DSSE signature (only one could be checked)', () => {
    const b = golden();
    const sigs = b['dsseEnvelope'].signatures as { sig: string; keyid: string }[];
    sigs.push({ sig: (sigs[0] as { sig: string }).sig, keyid: 'other' });
    assert.equal(
      code(() => parseBundle(JSON.stringify(b))),
      'E_SIG_BUNDLE',
    );
  });
});
