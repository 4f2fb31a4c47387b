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
 */
import { ModelguardError } from '../../errors.js';
import { ByteReader } from '../../bytes/reader.js';
import type { ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';
import { validateHeader, type HeaderIssue } from './header.js';
import { parseStrictJson } from './json.js';

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
    while (i < 24 && WS.has(h[i] as number)) i++;
    if (h.length < i + 2 || h[i] !== 0x7b) return false;
    const next = h[i + 1] as number;
    return next === 0x22 || next === 0x7d || WS.has(next);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    await Promise.resolve();
    try {
      scanSafetensors(src, ctx);
    } catch (e) {
      if (e instanceof ModelguardError && (e.code === 'E_MALFORMED' || e.code === 'E_TRUNCATED')) {
        malformed(ctx, e.message, e.offset ?? 0);
        return;
      }
      throw e;
    }
  },
};

function malformed(ctx: ScanContext, message: string, offset: number): void {
  ctx.report({ rule: 'safetensors/malformed', severity: 'malicious', message, location: { offset } });
}

function scanSafetensors(src: ByteSource, ctx: ScanContext): void {
  const lim = ctx.limits;
  const n = new ByteReader(src.read(0, 8)).u64le('header length');
  // The crate's MAX_HEADER_SIZE is 100,000,000; `maxHeaderBytes` defaults to 100 MiB. Both are checked
  // before anything is allocated (CWE-789).
  const cap = Math.min(lim.maxHeaderBytes, 100_000_000);
  if (n > BigInt(cap)) {
    malformed(ctx, `header length ${n} exceeds the ${cap}-byte limit (the crate rejects it as HeaderTooLarge)`, 0);
    return;
  }
  const len = Number(n);
  if (len > src.size - 8) {
    malformed(ctx, `header length ${len} runs past the end of the file (${src.size} bytes)`, 0);
    return;
  }
  ctx.info('header bytes', len);
  const header = src.read(8, len);
  if (header[0] !== 0x7b) {
    malformed(ctx, "header does not start with '{' (the crate rejects it as InvalidHeaderStart)", 8);
    return;
  }
  const badUtf8 = firstInvalidUtf8(header);
  if (badUtf8 >= 0) {
    malformed(ctx, `header is not valid UTF-8 (byte 0x${(header[badUtf8] as number).toString(16)})`, 8 + badUtf8);
    return;
  }
  const root = parseStrictJson(header, { maxDepth: lim.maxJsonDepth, maxValues: lim.maxHeaderEntries * 4 }, 8);
  const summary = validateHeader(root, 8, len, src.size - 8 - len);
  reportIssues(ctx, summary.issues);
  if (summary.tensors.length > lim.maxHeaderEntries) {
    throw new ModelguardError('E_LIMIT', `${summary.tensors.length} tensors exceed maxHeaderEntries`, { offset: 8 });
  }
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
}

function reportIssues(ctx: ScanContext, issues: readonly HeaderIssue[]): void {
  for (const issue of issues.slice(0, MAX_ISSUES_REPORTED)) malformed(ctx, issue.message, issue.offset);
  if (issues.length > MAX_ISSUES_REPORTED) {
    const first = issues[MAX_ISSUES_REPORTED];
    malformed(ctx, `${issues.length - MAX_ISSUES_REPORTED} more header violations not listed`, first?.offset ?? 8);
  }
}

/** Index of the first byte of an invalid UTF-8 sequence (RFC 3629: no overlongs, surrogates or > U+10FFFF), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
