/**
 * safetensors: a strict validator. The format cannot run code; what can go
 * wrong is the parser. Every way the file departs from the spec (and from
 * what the Rust crate accepts) is a `safetensors/malformed` finding with
 * severity `malicious`: malformed safetensors files are how loader bugs and
 * scanner/loader disagreements are exploited (duplicate keys read
 * differently by different parsers, offsets past the end, overlapping
 * tensors aliasing memory, unindexed bytes hiding a second file).
 *
 * Only the 8-byte length and the header are read; tensor bytes never are.
 *
 * A header length of 384, 640, 896, 1152 or 1408 bytes starts the file
 * with `80 0N`, a pickle PROTO. The file is recognised by its structure
 * first: the pickle scanner also reads it only when the header breaks the
 * format or `pickle.load` would really run something from these bytes
 * (a polyglot), never because of the look of the first two bytes.
 */
import { ModelguardError } from '../../errors.js';
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';
import type { HeaderIssue } from './header.js';
import { MAX_HEADER_BYTES, headerBytes, parseHeader } from './reader.js';
import { looksLikePickle } from '../pickle/sniff.js';
import { pickleLoadOutcome } from '../pickle/load-outcome.js';

const SPEC = 'https://github.com/huggingface/safetensors#format';
const CRATE = 'https://github.com/huggingface/safetensors/blob/main/safetensors/src/tensor.rs';

defineRules([
  {
    id: 'safetensors/malformed',
    title: 'safetensors file breaks the format',
    severity: 'malicious',
    help:
      'The header or the tensor layout violates the safetensors specification (header length, UTF-8, JSON syntax, ' +
      'duplicate keys, dtype, shape x dtype size, offsets in bounds, gaps, overlaps, trailing bytes, __metadata__ not ' +
      'a string map). Writers never produce such files; they are crafted to attack parsers or to make a scanner and ' +
      'a loader read different tensors. Do not load it; re-export the weights from a trusted source.',
    references: [SPEC, CRATE],
  },
]);

/** Findings listed individually before the rest are summarised in one. */
const MAX_ISSUES_REPORTED = 50;
const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export const safetensorsScanner: FormatScanner = {
  id: 'safetensors',
  title: 'safetensors',
  // The pickle reading of the same bytes is decided in scan(), after the structure is known.
  covers: ['pickle', 'joblib'],
  sniff(probe: Probe): boolean {
    // 8-byte length, then a JSON object: `{` followed by `"`, `}` or whitespace. Up to 16
    // whitespace bytes before the `{` are tolerated so that header-start violations are
    // reported rather than left unrecognised.
    const h = probe.head;
    // Eight printable characters read as a length (source code, `EMOJI = {"...`) are text, not a header;
    // absurd binary lengths are still claimed so that they are reported.
    if (h.length < 10) return false;
    if ((h[6] !== 0 || h[7] !== 0) && h.subarray(0, 8).every((c) => c >= 0x20 && c <= 0x7e)) return false;
    let i = 8;
    for (let c = h[i]; i < 24 && c !== undefined && WS.has(c); c = h[++i]);
    const next = h[i + 1];
    if (next === undefined || h[i] !== 0x7b) return false;
    return next === 0x22 || next === 0x7d || WS.has(next);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    await Promise.resolve();
    let valid = false;
    try {
      valid = scanSafetensors(src, ctx);
    } catch (e) {
      if (e instanceof ModelguardError && (e.code === 'E_MALFORMED' || e.code === 'E_TRUNCATED')) malformed(ctx, e.message, e.offset ?? 0);
      else ctx.fail(e, 'safetensors');
    }
    if (alsoAPickle(src, valid)) {
      await ctx.as('pickle', src);
      ctx.info('format', 'safetensors+pickle');
    }
  },
};

/**
 * Whether the bytes must also be read as a pickle: a file that breaks the
 * format and starts like a pickle (as before this scanner covered pickles),
 * or a valid file that `pickle.load` would act on or return a pickle from
 * (a real polyglot; the walk stops where the load would, within a few bytes
 * for an ordinary header).
 */
function alsoAPickle(src: ByteSource, valid: boolean): boolean {
  if (!valid) return looksLikePickle(src.read(0, Math.min(4096, src.size)));
  const end = pickleLoadOutcome(src, 0, src.size).end;
  return end === 'acts' || end === 'stop';
}

function malformed(ctx: ScanContext, message: string, offset: number): void {
  ctx.report({ rule: 'safetensors/malformed', severity: 'malicious', message, location: { offset } });
}

/** Scans the header; true when the file keeps every rule of the format. */
function scanSafetensors(src: ByteSource, ctx: ScanContext): boolean {
  const lim = ctx.limits;
  // `maxHeaderBytes` defaults to 100 MiB, the crate's cap is 100,000,000: the smaller one holds.
  const hb = headerBytes(src, Math.min(lim.maxHeaderBytes, MAX_HEADER_BYTES));
  if (!hb.ok) {
    malformed(ctx, hb.message, hb.offset);
    return false;
  }
  ctx.info('header bytes', hb.length);
  const summary = parseHeader(hb.json, src.size, lim);
  reportIssues(ctx, summary.issues);
  let params = 0n;
  const dtypes = new Set<string>();
  for (const t of summary.tensors) {
    params += t.elements;
    dtypes.add(t.dtype);
  }
  ctx.info('tensors', summary.tensors.length);
  ctx.info('parameters', params <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(params) : params.toString());
  ctx.info('dtypes', [...dtypes].sort());
  if (summary.metadataKeys > 0) ctx.info('metadata keys', summary.metadataKeys);
  return summary.issues.length === 0;
}

function reportIssues(ctx: ScanContext, issues: readonly HeaderIssue[]): void {
  for (const issue of issues.slice(0, MAX_ISSUES_REPORTED)) malformed(ctx, issue.message, issue.offset);
  if (issues.length > MAX_ISSUES_REPORTED) {
    const first = issues[MAX_ISSUES_REPORTED];
    malformed(ctx, `${issues.length - MAX_ISSUES_REPORTED} more header violations not listed`, first?.offset ?? 8);
  }
}
