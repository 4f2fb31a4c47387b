/**
 * GGUF (v1-v3, little- and big-endian): bounded parse of the header,
 * metadata and tensor infos, data section bounds, and SSTI analysis of the
 * Jinja chat templates the loaders render.
 *
 * Structure violations (counts or lengths past the end of the file, more
 * than 4 dimensions, over-long tensor names, invalid types, tensors past
 * the end or overlapping, duplicate keys) are `gguf/malformed`, severity
 * `malicious`: they are the exploit primitives of the published llama.cpp
 * GGUF heap overflows, and duplicate keys let a scanner and a loader read
 * different templates. Gaps, misalignment and unknown tensor types are
 * `gguf/tensor-layout` (suspicious).
 */
import { ModelguardError } from '../../errors.js';
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';
import { readHeader, readMetadata, type GgufMetadata, type GgufString } from './metadata.js';
import type { TemplateIssue } from './template-ssti.js';
import { checkDataSection, readTensorInfos } from './tensors.js';
import { GGUF_DEFAULT_ALIGNMENT, GGML_TYPES } from './types.js';

const SPEC = 'https://github.com/ggml-org/ggml/blob/master/docs/gguf.md';

defineRules([
  {
    id: 'gguf/malformed',
    title: 'GGUF structure is invalid',
    severity: 'malicious',
    help:
      'A declared count, length, dimension, type or offset is impossible for this file (it runs past the end, ' +
      'overflows, or breaks a llama.cpp limit), or a key or tensor name is duplicated. Such fields are how GGUF ' +
      'loaders were exploited (heap overflows in gguf_init_from_file); writers never produce them.',
    references: [SPEC, 'https://talosintelligence.com/vulnerability_reports/TALOS-2024-1913', 'https://github.com/ggml-org/llama.cpp/security/advisories'],
  },
  {
    id: 'gguf/tensor-layout',
    title: 'GGUF tensor data layout is irregular',
    severity: 'suspicious',
    help: 'Tensor data is misaligned, leaves unreferenced bytes (room for a hidden payload), or uses a tensor type this scanner does not know. Current llama.cpp rejects such layouts.',
    references: [SPEC],
  },
  {
    id: 'gguf/template-injection',
    title: 'Chat template escapes the Jinja sandbox',
    severity: 'malicious',
    help:
      'The Jinja chat template reaches Python internals (dunder or private attributes, escape objects such as ' +
      'cycler/joiner/lipsum/self, names assembled from pieces). Rendered by an unsandboxed jinja2 Environment ' +
      '(llama-cpp-python < 0.2.72) this runs arbitrary code when the model is loaded for chat. Do not load it.',
    references: [
      'https://nvd.nist.gov/vuln/detail/CVE-2024-34359',
      'https://github.com/abetlen/llama-cpp-python/security/advisories/GHSA-56xg-wfcc-g829',
      'https://jinja.palletsprojects.com/en/stable/sandbox/',
    ],
  },
  {
    id: 'gguf/template-unparsed',
    title: 'Chat template could not be parsed',
    severity: 'suspicious',
    help: 'The chat template does not parse with @huggingface/jinja, so only a lexical check ran. jinja2 accepts some syntax the JS parser does not; review the template.',
  },
]);

/** Metadata keys whose value llama-cpp-python renders as a chat template (it matches this prefix). */
const TEMPLATE_PREFIX = 'tokenizer.chat_template';
const KEPT_GENERAL = new Set(['general.architecture', 'general.name', 'general.file_type', 'general.alignment']);

export const ggufScanner: FormatScanner = {
  id: 'gguf',
  title: 'GGUF',
  sniff(probe: Probe): boolean {
    const h = probe.head;
    return h.length >= 8 && h[0] === 0x47 && h[1] === 0x47 && h[2] === 0x55 && h[3] === 0x46;
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    await Promise.resolve();
    const strings: GgufString[] = [];
    try {
      scanGguf(src, ctx, strings);
    } catch (e) {
      if (e instanceof ModelguardError && (e.code === 'E_MALFORMED' || e.code === 'E_TRUNCATED')) {
        ctx.report({ rule: 'gguf/malformed', severity: 'malicious', message: e.message, location: offsetOf(e.offset) });
      } else {
        await analyseTemplates(strings, ctx);
        throw e;
      }
    }
    await analyseTemplates(strings, ctx);
  },
};

function offsetOf(offset: number | undefined): { offset?: number } {
  return offset === undefined ? {} : { offset };
}

function scanGguf(src: ByteSource, ctx: ScanContext, strings: GgufString[]): void {
  const lim = ctx.limits;
  const cur = new WindowCursor(src);
  const header = readHeader(cur);
  ctx.info('gguf version', header.version);
  if (!header.littleEndian) ctx.info('byte order', 'big-endian');
  // Strings land in `strings` as they are read: templates before a failure are still analysed.
  const meta = readMetadata(
    cur,
    header,
    {
      maxKeptString: lim.maxTemplateBytes,
      maxEntries: lim.maxHeaderEntries,
      keep: (key, inArray) => key.startsWith(TEMPLATE_PREFIX) || (!inArray && !key.startsWith('tokenizer.ggml.')),
    },
    strings,
  );
  for (const d of meta.duplicates) {
    ctx.report({
      rule: 'gguf/malformed',
      severity: 'malicious',
      message: `duplicate metadata key ${JSON.stringify(d.key)}: loaders disagree on which value wins`,
      location: { offset: d.offset },
    });
  }
  for (const key of new Set(meta.skipped)) {
    if (key.startsWith(TEMPLATE_PREFIX)) {
      ctx.report({
        rule: 'engine/limit',
        severity: 'unscannable',
        message: `${key} is longer than maxTemplateBytes (${lim.maxTemplateBytes}); the template was not analysed`,
      });
    }
  }
  recordInfo(ctx, meta, header.tensorCount, header.kvCount);
  // The spec types it uint32; accept any integer type a writer may have used.
  const rawAlign = meta.scalars.get('general.alignment') ?? GGUF_DEFAULT_ALIGNMENT;
  const alignment = typeof rawAlign === 'bigint' && rawAlign <= 1n << 30n ? Number(rawAlign) : rawAlign;
  if (typeof alignment !== 'number' || alignment <= 0 || alignment > 1 << 30 || (alignment & (alignment - 1)) !== 0) {
    throw new ModelguardError('E_MALFORMED', `general.alignment ${String(alignment)} is not a power of two`, { offset: 8 });
  }
  const tensors = readTensorInfos(cur, header, lim.maxHeaderEntries);
  const dataStart = Math.ceil(cur.pos / alignment) * alignment;
  if (tensors.length > 0 && dataStart > src.size) {
    throw new ModelguardError('E_MALFORMED', `tensor data would start at ${dataStart}, past the end of the file`, { offset: cur.pos });
  }
  const layout = tensors.length > 0 ? checkDataSection(tensors, dataStart, src.size, alignment) : [];
  for (const issue of layout.slice(0, 20)) {
    ctx.report({ rule: 'gguf/tensor-layout', severity: 'suspicious', message: issue.message, location: { offset: issue.offset } });
  }
  const types = new Set(tensors.map((t) => GGML_TYPES.get(t.type)?.name ?? `type ${t.type}`));
  if (types.size > 0) ctx.info('tensor types', [...types].sort());
}

function recordInfo(ctx: ScanContext, meta: GgufMetadata, tensorCount: number, kvCount: number): void {
  ctx.info('tensors', tensorCount);
  ctx.info('metadata keys', kvCount);
  for (const key of KEPT_GENERAL) {
    const v = meta.scalars.get(key);
    if (typeof v === 'string' && v.length > 0) ctx.info(key, v.slice(0, 200));
    else if (typeof v === 'number') ctx.info(key, v);
  }
  const templates = [...new Set(meta.strings.filter((s) => s.key.startsWith(TEMPLATE_PREFIX)).map((s) => s.key))];
  if (templates.length > 0) ctx.info('chat templates', templates);
}

/** Whether a non-template string deserves a template analysis. */
function looksLikeJinja(s: string): boolean {
  return s.includes('{{') || s.includes('{%');
}

const RANK = { info: 0, suspicious: 1, unscannable: 2, malicious: 3 } as const;

/**
 * One finding per attribute chain: `cycler.__init__.__globals__.os.popen`
 * trips the escape-global, dunder and reach checks at every step, and each
 * step is a prefix of the longest. The longest chain carries the worst
 * severity and lists what its prefixes found.
 */
function groupByChain(issues: readonly TemplateIssue[]): (TemplateIssue & { also: string[] })[] {
  const sorted = [...issues].sort((a, b) => (b.where?.length ?? 0) - (a.where?.length ?? 0) || RANK[b.severity] - RANK[a.severity]);
  const out: (TemplateIssue & { also: string[] })[] = [];
  for (const issue of sorted) {
    const w = issue.where;
    const head =
      w === undefined ? undefined : out.find((o) => o.where !== undefined && (o.where === w || o.where.startsWith(`${w}.`) || o.where.startsWith(`${w}[`)));
    if (head === undefined) {
      out.push({ ...issue, also: [] });
      continue;
    }
    if (RANK[issue.severity] > RANK[head.severity]) {
      head.also.push(head.why);
      head.why = issue.why;
      head.severity = issue.severity;
    } else if (issue.why !== head.why && !head.also.includes(issue.why)) {
      head.also.push(issue.why);
    }
  }
  return out;
}

async function analyseTemplates(strings: readonly GgufString[], ctx: ScanContext): Promise<void> {
  const todo = strings.filter((s) => s.key.startsWith(TEMPLATE_PREFIX) || looksLikeJinja(s.value));
  if (todo.length === 0) return;
  // The analyser and its Jinja parser load only when a file carries a template (CLI start-up).
  const { analyzeTemplate } = await import('./template-ssti.js');
  for (const s of todo) {
    const rendered = s.key.startsWith(TEMPLATE_PREFIX) && s.index === undefined;
    const name = s.index === undefined ? s.key : `${s.key}[${s.index}]`;
    const result = analyzeTemplate(s.value, ctx.limits.maxValueDepth);
    const cap = rendered ? '' : ' (this value is not rendered as a chat template by known loaders)';
    if (!result.parsed) {
      ctx.report({
        rule: 'gguf/template-unparsed',
        severity: 'suspicious',
        message: `${name}: template does not parse (${result.parseError ?? 'unknown error'}); checked lexically only`,
        location: { offset: s.offset },
      });
    }
    for (const issue of groupByChain(result.issues)) {
      const severity = rendered ? issue.severity : 'suspicious';
      const also = issue.also.length === 0 ? '' : `; also ${issue.also.join('; ')}`;
      ctx.report({
        rule: 'gguf/template-injection',
        severity,
        message: `${name}: ${issue.why}${issue.where === undefined ? '' : ` in ${issue.where}`}${also}${cap}`,
        location: { offset: s.offset },
      });
    }
  }
}
