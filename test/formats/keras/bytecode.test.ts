/**
 * func_load's decoding, reproduced: CPython's non-strict base64, the
 * raw_unicode_escape fallback, and the code-object check. Vectors were
 * produced with CPython 3.11 (binascii.a2b_base64, str.encode).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { funcLoadBytes, pythonBase64Decode, rawUnicodeEscape, summarizeMarshal, tellingNames } from '../../../src/formats/keras/bytecode.js';

const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex'));

describe('CPython non-strict base64', () => {
  it('decodes padded, unpadded-complete and newline-wrapped input', () => {
    assert.equal(hex(pythonBase64Decode('aGVsbG8=')), Buffer.from('hello').toString('hex'));
    assert.equal(hex(pythonBase64Decode('aGVs\nbG8h\n')), Buffer.from('hello!').toString('hex'));
  });
  it('skips characters outside the alphabet', () => {
    // binascii.a2b_base64(b'a*G!V s b G 8=') == b'hello'
    assert.equal(hex(pythonBase64Decode('a*G!V s b G 8=')), Buffer.from('hello').toString('hex'));
  });
  it('stops at the first complete pad sequence', () => {
    // binascii.a2b_base64(b'aGk=garbage') == b'hi'
    assert.equal(hex(pythonBase64Decode('aGk=garbage')), Buffer.from('hi').toString('hex'));
  });
  it('fails where CPython raises: a dangling quantum or missing padding', () => {
    assert.equal(pythonBase64Decode('a'), undefined);
    assert.equal(pythonBase64Decode('aGVsbG8'), undefined);
    assert.equal(pythonBase64Decode('abcde'), undefined);
  });
});

describe('func_load fallback', () => {
  it('raw_unicode_escape maps code points under 256 to bytes and escapes the rest', () => {
    assert.equal(hex(rawUnicodeEscape('\u00e3\u0001A')), 'e30141');
    assert.equal(Buffer.from(rawUnicodeEscape('\u20ac')).toString('latin1'), '\\u20ac');
    assert.equal(Buffer.from(rawUnicodeEscape('\u{1F600}')).toString('latin1'), '\\U0001f600');
  });
  it('non-ASCII text skips base64 (encode("ascii") raises), invalid base64 falls back', () => {
    assert.equal(funcLoadBytes('\u00e3abc').encoding, 'raw');
    assert.equal(funcLoadBytes('abcde').encoding, 'raw');
    assert.equal(funcLoadBytes('aGVsbG8=').encoding, 'base64');
  });
});

describe('marshal summary', () => {
  // marshal.dumps of a tiny code object's prefix: 0xe3 (code | FLAG_REF), then fields with strings.
  const code = Uint8Array.from([0xe3, 0, 0, 0, 0, 0xda, 2, ...Buffer.from('os'), 0xda, 6, ...Buffer.from('system'), 0x73, 3, 0, 0, 0, ...Buffer.from('abc')]);
  it('recognises a code object by its first byte, with or without the reference flag', () => {
    assert.equal(summarizeMarshal(code).isCode, true);
    assert.equal(summarizeMarshal(Uint8Array.from([0x63, 0])).isCode, true);
    assert.equal(summarizeMarshal(Uint8Array.from([0x29, 0])).isCode, false);
    assert.equal(summarizeMarshal(new Uint8Array(0)).isCode, false);
  });
  it('lists the strings and the telling names', () => {
    const s = summarizeMarshal(code);
    assert.deepEqual(s.strings, ['os', 'system', 'abc']);
    assert.deepEqual(tellingNames(s.strings), ['os', 'system']);
  });
  it('ignores string headers whose length runs past the end', () => {
    assert.deepEqual(summarizeMarshal(Uint8Array.from([0xe3, 0x61, 0xff, 0xff, 0xff, 0x7f, 0x41])).strings, []);
  });
});
