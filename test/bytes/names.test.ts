/** Names shown as text (issue 23 item 5): escapes for control characters, escapes and bytes that are not UTF-8. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeControls, escapeName, hasEscapedBytes, nameFromBytes } from '../../src/bytes/names.js';

describe('escapeName', () => {
  it('shows a newline, an ANSI escape and a backslash as escapes', () => {
    assert.equal(escapeName('a\n\x1b[32mCLEAN\\'), 'a\\n\\x1b[32mCLEAN\\\\');
  });
  it('keeps printable non-ASCII text and astral characters', () => {
    assert.equal(escapeName('modèle-日本-😀.pt'), 'modèle-日本-😀.pt');
  });
  it('escapes C1 controls and bidirectional overrides (Trojan Source)', () => {
    assert.equal(escapeName('x\u0085y\u202ez'), 'x\\u0085y\\u202ez');
  });
  it('messages keep their backslashes but lose control characters', () => {
    assert.equal(escapeControls("os.system('a\\nb')"), "os.system('a\\nb')");
    assert.equal(escapeControls('line\nbreak'), 'line\\nbreak');
  });
});

describe('nameFromBytes', () => {
  it('decodes UTF-8 and keeps other bytes as \\xNN', () => {
    const n = nameFromBytes(Uint8Array.of(0x62, 0xff, 0xc3, 0xa9, 0xfe));
    assert.equal(escapeName(n), 'b\\xffé\\xfe');
    assert.equal(hasEscapedBytes(n), true);
    assert.equal(hasEscapedBytes(nameFromBytes(new TextEncoder().encode('plain é'))), false);
  });
  it('never decodes an encoded surrogate or an overlong form', () => {
    assert.equal(escapeName(nameFromBytes(Uint8Array.of(0xed, 0xa0, 0x80))), '\\xed\\xa0\\x80');
    assert.equal(escapeName(nameFromBytes(Uint8Array.of(0xc0, 0xaf))), '\\xc0\\xaf');
  });
});
