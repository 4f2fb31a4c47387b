import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../../src/formats/gguf/template-ssti.js';
import { fixtureDir } from '../helpers.js';

const DIR = join(fixtureDir('gguf'), 'templates');
const worst = (src: string): string => {
  const r = analyzeTemplate(src, 200);
  if (r.issues.some((i) => i.severity === 'malicious')) return 'malicious';
  return r.issues.length > 0 || !r.parsed ? 'suspicious' : 'clean';
};

describe('real chat templates stay clean', () => {
  for (const name of readdirSync(join(DIR, 'clean')).filter((n) => n.endsWith('.jinja'))) {
    it(name, () => {
      const r = analyzeTemplate(readFileSync(join(DIR, 'clean', name), 'utf8'), 200);
      assert.ok(r.parsed, r.parseError);
      assert.deepEqual(r.issues, []);
    });
  }
});

describe('SSTI payloads are malicious', () => {
  for (const name of readdirSync(join(DIR, 'malicious')).filter((n) => n.endsWith('.jinja'))) {
    it(name, () => {
      assert.equal(worst(readFileSync(join(DIR, 'malicious', name), 'utf8')), 'malicious');
    });
  }
});

describe('template analysis', () => {
  const cases: [string, string, string][] = [
    [
      'namespace() used as real templates do',
      '{% set ns = namespace(found=false) %}{% for m in messages %}{% set ns.found = true %}{% endfor %}{{ ns.found }}',
      'clean',
    ],
    ['range and dict calls', '{% for i in range(3) %}{{ dict(a=i).a }}{% endfor %}', 'clean'],
    ['loop arithmetic in subscripts', '{{ messages[loop.index0 + 1] if messages else "" }}', 'clean'],
    ['a field called system on a namespace', "{% set ns = namespace(system='') %}{{ ns.system }}", 'clean'],
    ['local variable shadowing an escape global', '{% for config in configs %}{{ config.name }}{% endfor %}', 'clean'],
    ['dunder in a subscript', "{{ x['__class__'] }}", 'malicious'],
    ['dunder built with ~', "{{ x['__cl' ~ 'ass__'] }}", 'malicious'],
    ['dunder built with set variables', "{% set a = '__' %}{% set b = a ~ 'class' ~ a %}{{ x[b] }}", 'malicious'],
    ['dunder built with * repetition', "{{ x['_' * 2 ~ 'class' ~ '_' * 2] }}", 'malicious'],
    ['dunder via str.join method', "{{ x[''.join(['__', 'class', '__'])] }}", 'malicious'],
    ['dunder via str.format method', "{{ x['{}class{}'.format('__', '__')] }}", 'malicious'],
    ['dunder via |format filter', "{{ x|attr('%sclass%s'|format('__', '__')) }}", 'malicious'],
    ['dunder via |replace', "{{ x|attr('XXclassXX'|replace('X', '_')) }}", 'malicious'],
    ['dunder via |lower', "{{ x|attr('__CLASS__'|lower) }}", 'malicious'],
    ['dunder via slicing', "{{ x|attr('__ssalc__'[::-1]) }}", 'malicious'],
    ['dunder via \\u escapes', "{{ x|attr('\\u005f\\u005fclass\\u005f\\u005f') }}", 'malicious'],
    ['selectattr on a dunder', "{{ items|selectattr('__class__')|list }}", 'malicious'],
    ['sort by a dunder attribute', "{{ items|sort(attribute='__class__.__name__') }}", 'malicious'],
    ['map through the attr filter', "{{ items|map('attr', '__class__')|list }}", 'malicious'],
    ['dunder keyword name', '{{ dict(__class__=1)|first }}', 'malicious'],
    ['mro on a type', '{{ x.__class__.mro() }}', 'malicious'],
    ['frame access', '{{ g.gi_frame.f_globals }}', 'malicious'],
    ['name-mangled private attribute', '{{ self._TemplateReference__context }}', 'malicious'],
    ['escape chain reaching os without dunders in this node', "{{ lipsum.__globals__.os.popen('id') }}", 'malicious'],
    ['attr filter with a computed name', '{{ x|attr(messages[0].content) }}', 'suspicious'],
    ['subscript assembled from unknown pieces', "{{ x[messages[0].content ~ 'x'] }}", 'suspicious'],
    ['bare reference to cycler', '{{ cycler("a", "b").next() }}', 'suspicious'],
    ['reference to self', '{{ self }}', 'suspicious'],
    ['namespace passed around uncalled', '{% set n = namespace %}{{ n(a=1) }}', 'suspicious'],
    ['private attribute', '{{ message._hidden }}', 'suspicious'],
    ['octal escapes only jinja2 understands', "{{ x|attr('\\137\\137class\\137\\137') }}", 'malicious'],
    ['dunder inside a comment is ignored', '{# x.__class__ #}{{ messages[0].content }}', 'clean'],
    ['dunder inside a raw block is ignored', '{% raw %}{{ x.__class__ }}{% endraw %}', 'suspicious'],
    ['dunder in plain text is ignored', 'Say __init__ {{ messages[0].content }}', 'clean'],
  ];
  for (const [what, src, expected] of cases)
    it(`${what}: ${expected}`, () => {
      assert.equal(worst(src), expected);
    });

  it('falls back to the lexical pass when the JS parser fails', () => {
    const r = analyzeTemplate("{% import 'os' as os %}{{ cycler.__init__.__globals__ }}", 200);
    assert.equal(r.parsed, false);
    assert.ok(r.issues.some((i) => i.severity === 'malicious'));
  });

  it('survives pathological nesting without throwing', () => {
    const deep = `{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`;
    const r = analyzeTemplate(deep, 200);
    assert.notEqual(r.parsed && r.issues.length === 0, true);
  });

  it('bounds folding and walking of a 100,000-long concatenation chain', () => {
    const r = analyzeTemplate(`{{ ${"'x' ~ ".repeat(100_000)}'y' }}`, 200);
    assert.ok(r.issues.some((i) => i.severity === 'suspicious'));
  });

  it('handles a long whitespace run (no quadratic regex; bench/ would show it) and finds nothing', () => {
    const r = analyzeTemplate(`{{ a }}${' '.repeat(500_000)}x`, 200);
    assert.deepEqual(r.issues, []);
  });
});
