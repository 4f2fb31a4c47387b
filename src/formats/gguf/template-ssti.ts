/**
 * Server-side template injection in Jinja chat templates.
 *
 * A GGUF's `tokenizer.chat_template` is rendered by the loader; rendered
 * with an unsandboxed jinja2 Environment (llama-cpp-python < 0.2.72,
 * CVE-2024-34359 "Llama Drama"), `{{ cycler.__init__.__globals__.os.popen(...) }}`
 * runs a shell command. The template is parsed with @huggingface/jinja's
 * real parser and its AST walked: attribute reads (`.x`, `['x']`, `|attr`,
 * `map(attribute=...)`), names built from pieces (constant-folded), escape
 * globals, dunder strings. A jinja2-faithful lexical pass runs as well
 * (template-lexical.ts), and alone when the JS parser rejects the template.
 * Nothing is ever rendered.
 */
import * as jinja from '@huggingface/jinja';
import { AstWalker, classifyIdentifier, type TemplateIssue } from './template-ast.js';
import type { JNode } from './template-fold.js';
import { lexTemplate } from './template-lexical.js';
import { CALLABLE_GLOBALS, ESCAPE_GLOBALS, classifyAttribute, classifyString, isSink } from './template-names.js';

// The package's declaration files use extension-less relative imports, which
// node20 resolution cannot follow, so its functions arrive untyped: state
// the two signatures used here.
const tokenize = jinja.tokenize as unknown as (source: string) => unknown;
const parse = jinja.parse as unknown as (tokens: unknown) => JNode;

export type { TemplateIssue } from './template-ast.js';

export interface TemplateAnalysis {
  /** Whether @huggingface/jinja parsed the template. */
  parsed: boolean;
  parseError?: string;
  issues: TemplateIssue[];
}

export function analyzeTemplate(source: string, maxDepth: number): TemplateAnalysis {
  const issues = new Map<string, TemplateIssue>();
  const add = (i: TemplateIssue): void => {
    const key = `${i.severity}\0${i.why}`;
    if (!issues.has(key)) issues.set(key, i);
  };
  let program: JNode | undefined;
  let parseError: string | undefined;
  try {
    // Long whitespace runs make the JS lexer's preprocessing regex quadratic (CWE-1333);
    // shortening them changes no name the analysis looks at.
    program = parse(tokenize(source.replace(/\s{64,}/g, (ws) => ws.slice(0, 64))));
  } catch (e) {
    parseError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  try {
    if (program !== undefined) new AstWalker(add, maxDepth).run(program);
  } catch (e) {
    // Bounded by design; if a pathological tree still exhausts the stack, say so instead of crashing.
    if (!(e instanceof RangeError)) throw e;
    add({ severity: 'suspicious', why: 'template too deeply nested to analyse' });
  }
  lexicalPass(source, program === undefined, add);
  const out: TemplateAnalysis = { parsed: program !== undefined, issues: [...issues.values()] };
  if (parseError !== undefined) out.parseError = parseError;
  return out;
}

/** Context-free checks on jinja2's view of the tokens; escape globals and sinks only when there is no AST. */
function lexicalPass(source: string, alone: boolean, add: (i: TemplateIssue) => void): void {
  const toks = lexTemplate(source);
  // Without an AST, an escape global and a sink in one template are the escape itself: jinja2 parses
  // templates the JS parser rejects (`(()|select|string)[24]` builds '_' at render time, so the dunder
  // names need never be spelled), and with an unsandboxed Environment such a template ran a command
  // (docs/soundness-review.md, round 3). Real chat templates reference neither.
  let escape: string | undefined;
  let sink: string | undefined;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t === undefined) continue;
    const prev = toks[k - 1];
    const afterDot = prev?.kind === 'op' && prev.value === '.';
    if (t.kind === 'string' && prev?.kind === 'op' && prev.value === '[' && isSink(t.value)) sink ??= `['${t.value}']`;
    if (t.kind === 'string') {
      const s = classifyString(t.value);
      if (s !== undefined) add({ ...s, where: JSON.stringify(t.value.slice(0, 60)) });
      if (t.escaped && t.value.includes('_')) {
        add({ severity: 'suspicious', why: 'underscore spelled with an escape sequence (obfuscation)', where: JSON.stringify(t.value.slice(0, 60)) });
      }
      continue;
    }
    if (t.kind !== 'name') continue;
    if (afterDot) {
      const a = classifyAttribute(t.value);
      if (a !== undefined) add({ ...a, where: `.${t.value}` });
      else if (alone && isSink(t.value)) {
        add({ severity: 'suspicious', why: `attribute ${t.value} (a code-execution sink)`, where: `.${t.value}` });
        sink ??= `.${t.value}`;
      }
      continue;
    }
    const id = classifyIdentifier(t.value);
    if (id !== undefined) add({ ...id, where: t.value });
    if (alone && ESCAPE_GLOBALS.has(t.value)) {
      const next = toks[k + 1];
      const called = next?.kind === 'op' && next.value === '(';
      if (!(called && CALLABLE_GLOBALS.has(t.value))) {
        add({ severity: 'suspicious', why: `reference to ${t.value}, a global used to escape the template`, where: t.value });
        escape ??= t.value;
      }
    }
  }
  if (alone && escape !== undefined && sink !== undefined) {
    add({ severity: 'malicious', why: `a global used to escape the template (${escape}) and a code-execution sink (${sink})`, where: `${escape} … ${sink}` });
  }
}
