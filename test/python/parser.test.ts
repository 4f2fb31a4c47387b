import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../src/python/tokenizer.js';
import { parseExpression, parseModule } from '../../src/python/parser.js';
import { PyLimitError, PySyntaxError } from '../../src/python/errors.js';
import { MAX_BRACKET_DEPTH, MAX_INDENT_DEPTH } from '../../src/python/limits.js';

const kinds = (src: string): string[] => tokenize(src).map((t) => (t.kind === 'name' || t.kind === 'op' ? t.text : t.kind));

describe('tokenizer', () => {
  it('emits INDENT and DEDENT around blocks, ignoring blank and comment lines', () => {
    assert.deepEqual(kinds('if x:\n    y\n\n    # c\n    z\nw\n'), [
      'if',
      'x',
      ':',
      'newline',
      'indent',
      'y',
      'newline',
      'z',
      'newline',
      'dedent',
      'w',
      'newline',
      'end',
    ]);
  });
  it('joins lines inside brackets and after a backslash', () => {
    assert.deepEqual(kinds('f(a,\n  b)\nx = 1 + \\\n 2\n'), ['f', '(', 'a', ',', 'b', ')', 'newline', 'x', '=', 'number', '+', 'number', 'newline', 'end']);
  });
  it('decodes string prefixes and escapes', () => {
    const t = tokenize(`r'\\x41' b"\\x41" '\\x73ystem' u'\\u0041' '''a\nb'''`).filter((x) => x.kind === 'string');
    assert.deepEqual(
      t.map((x) => [x.prefix, x.text]),
      [
        ['r', '\\x41'],
        ['b', 'A'],
        ['', 'system'],
        ['u', 'A'],
        ['', 'a\nb'],
      ],
    );
  });
  it('hands f-string replacement fields to the parser, nested specs included', () => {
    const [s] = tokenize(`f"{a!r:>{w}} {{x}} {b['k']}"`).filter((x) => x.kind === 'string');
    assert.deepEqual(
      s?.fields?.map((f) => f.src),
      ['a', 'w', "b['k']"],
    );
  });
  it('rejects dedents to an unknown level', () => {
    assert.throws(() => tokenize('if x:\n    a\n  b\n'), PySyntaxError);
  });
});

describe('parser', () => {
  it('parses the constructs model code uses', () => {
    const m = parseModule(
      [
        'from __future__ import annotations',
        'import os.path as p, torch',
        'from . import sib',
        '@torch.no_grad()',
        'class A(torch.nn.Module, metaclass=M):',
        '    x: int = 1',
        '    async def f(self, a, /, b=2, *c, d, **e) -> None:',
        '        with open(a) as fh, g() as (h, i):',
        '            y = [k for k in fh if k] + {k: v for k, v in e.items()} @ {*c}',
        '        try:',
        '            z = lambda q, *r: q if r else (yield)',
        '        except (KeyError, ValueError) as err:',
        '            raise RuntimeError() from err',
        '        else:',
        '            pass',
        '        finally:',
        '            del z',
        '        while not a: break',
        '        for i, *j in zip(a, b): continue',
        '        match a:',
        '            case [1, *rest] if rest: return',
        '            case {"k": v, **kw}: return',
        '            case Point(x=0) | None as pt: return',
        '        return f"{a=}", x[1:2, ::3], (w := 3), await b, *c',
      ].join('\n'),
    );
    assert.deepEqual(
      m.body.map((s) => s.k),
      ['from', 'import', 'from', 'class'],
    );
  });
  it('parses calls, attribute chains and subscripts in an expression', () => {
    const e = parseExpression('getattr(os, "sys" + "tem")("id").x[0]');
    assert.equal(e.k, 'subscript');
  });
});

describe('hostile inputs', () => {
  it('deep bracket nesting is a limit error, not a stack overflow', () => {
    assert.throws(() => parseModule('('.repeat(100_000) + ')'.repeat(100_000)), PyLimitError);
    assert.throws(() => parseModule(`x = ${'['.repeat(MAX_BRACKET_DEPTH + 1)}`), PyLimitError);
  });
  it('nesting just under the limits parses', () => {
    parseModule(`x = ${'('.repeat(MAX_BRACKET_DEPTH - 1)}1${')'.repeat(MAX_BRACKET_DEPTH - 1)}\n`);
    let src = '';
    for (let i = 0; i < MAX_INDENT_DEPTH - 1; i++) src += `${' '.repeat(i)}if x:\n`;
    parseModule(`${src}${' '.repeat(MAX_INDENT_DEPTH - 1)}pass\n`);
  });
  it('deep indentation, unary chains and f-string nesting are bounded', () => {
    let src = '';
    for (let i = 0; i < 200; i++) src += `${' '.repeat(i)}if x:\n`;
    assert.throws(() => parseModule(`${src}${' '.repeat(200)}pass\n`), PyLimitError);
    assert.throws(() => parseModule(`x = ${'-'.repeat(100_000)}1`), PyLimitError);
    assert.throws(() => parseModule(`x = ${'not '.repeat(100_000)}1`), PyLimitError);
    let f = 'a';
    for (let i = 0; i < 12; i++) f = `f"{${f}}"`.replace(/"/g, i % 2 === 0 ? '"' : "'");
    assert.throws(
      () => parseModule(`x = ${f}`),
      (e: unknown) => e instanceof PyLimitError || e instanceof PySyntaxError,
    );
  });
  it('long left-associative chains are bounded in the analyser, not a stack overflow', async () => {
    const { analyseModule } = await import('../../src/python/analyse.js');
    const { Policy } = await import('../../src/python-globals/policy.js');
    const { getProfile } = await import('../../src/python-globals/profiles.js');
    const policy = new Policy(getProfile('torch'));
    for (const src of [`x = ${'a + '.repeat(20_000)}a`, `x = a${'.b'.repeat(20_000)}`, `x = f${'()'.repeat(20_000)}`]) {
      assert.throws(() => analyseModule(parseModule(src), { policy, strict: true }), PyLimitError);
    }
  });
  it('huge strings are read in linear time and kept whole', () => {
    const big = 'a'.repeat(4_000_000);
    const m = parseModule(`s = "${big}"\n`);
    const st = m.body[0];
    assert.ok(st?.k === 'assign' && st.value.k === 'const' && typeof st.value.value === 'string' && st.value.value.length === big.length);
  });
  it('unterminated constructs are syntax errors with a line', () => {
    for (const src of [
      's = "abc',
      "s = '''abc\n",
      'f(a,',
      'def f(:\n  pass',
      'class',
      'x = f"{a"',
      'if x:\npass',
      'x = )',
      '@d\nx = 1',
      'try:\n  a\n',
      'x = 0x',
      "b'é'",
      'x = "\\x4"',
    ]) {
      assert.throws(
        () => parseModule(src),
        (e: unknown) => e instanceof PySyntaxError && e.code === 'E_MALFORMED' && e.line >= 1,
        JSON.stringify(src),
      );
    }
  });
  it('an oversized source is refused before tokenizing', () => {
    assert.throws(() => tokenize(' '.repeat(17 * 1024 * 1024)), PyLimitError);
  });
});
