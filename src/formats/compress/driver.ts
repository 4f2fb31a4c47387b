/**
 * Scanning a compressed wrapper: decode within the file's inflation
 * budget, report what the stream itself gets wrong, then scan the decoded
 * bytes as a member of their own (sniffed again: a pickle, a joblib dump,
 * a tar...). A stream that breaks still has its decoded prefix scanned,
 * because Python's readers hand that prefix to the loader before raising.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { newState, type Codec } from '../../codecs/codec.js';
import { BoundedOutput, RATIO_FLOOR } from '../../codecs/output.js';
import { COMPRESS_RULES } from './rules.js';

/** The output ceiling for `compressed` input bytes: the file's remaining budget, and the ratio limit past 1 MiB. */
export function outputFor(ctx: ScanContext, compressed: number): BoundedOutput {
  const budget = ctx.inflateBudget;
  const byRatio = Math.max(RATIO_FLOOR, compressed * ctx.limits.maxInflateRatio);
  return byRatio < budget
    ? new BoundedOutput(byRatio, `ratio limit ${ctx.limits.maxInflateRatio}:1 for ${compressed} compressed bytes`)
    : new BoundedOutput(budget, `inflation budget of ${ctx.limits.maxInflatedBytes} bytes for the whole file`);
}

/** Name for the decoded member: the stored name, else the file name without the wrapper's suffix. */
function memberName(ctx: ScanContext, codec: Codec, stored: string | undefined): string {
  if (stored !== undefined && stored !== '') return stored;
  const outer = ctx.location.member?.at(-1) ?? ctx.location.file;
  const base = outer.slice(Math.max(outer.lastIndexOf('/'), outer.lastIndexOf('\\')) + 1);
  const lower = base.toLowerCase();
  for (const [suffix, replacement] of codec.suffixes) {
    if (lower.endsWith(suffix) && base.length > suffix.length) return base.slice(0, -suffix.length) + replacement;
  }
  return `${base} [${codec.id}]`;
}

function reportStop(e: unknown, ctx: ScanContext, codec: Codec, produced: number): void {
  if (!(e instanceof ModelguardError)) throw e;
  const at = e.offset === undefined ? {} : { offset: e.offset };
  const tail = `; the ${produced} bytes decoded before were scanned`;
  switch (e.code) {
    case 'E_LIMIT':
      ctx.report({ rule: COMPRESS_RULES.bomb.id, severity: 'unscannable', message: `${codec.title}: ${e.message}${tail}`, location: at });
      return;
    case 'E_TRUNCATED':
      ctx.report({ rule: COMPRESS_RULES.truncated.id, severity: 'suspicious', message: `${codec.title}: ${e.message}${tail}`, location: at });
      return;
    case 'E_MALFORMED':
      ctx.report({ rule: COMPRESS_RULES.corrupt.id, severity: 'suspicious', message: `${codec.title}: ${e.message}${tail}`, location: at });
      return;
    default:
      throw e;
  }
}

function allZero(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

export async function scanCompressed(src: ByteSource, ctx: ScanContext, codec: Codec): Promise<void> {
  // The compressed input is read whole: it is at most the budget (a stream larger than
  // its inflated output does not exist in practice) and decoders need random access.
  if (src.size > ctx.inflateBudget) {
    throw new ModelguardError('E_LIMIT', `${codec.title} of ${src.size} bytes is larger than the remaining inflation budget (${ctx.inflateBudget} bytes)`);
  }
  const input = src.read(0, src.size);
  const out = outputFor(ctx, input.length);
  const state = newState();
  let stop: unknown;
  try {
    codec.decode(input, out, state);
  } catch (e) {
    stop = e;
  }
  try {
    await finish(ctx, codec, input, out, state, stop);
  } finally {
    out.close();
  }
}

/** Reports what decoding found and scans the output (from memory, or the scratch file of a large one). */
async function finish(ctx: ScanContext, codec: Codec, input: Uint8Array, out: BoundedOutput, state: ReturnType<typeof newState>, stop: unknown): Promise<void> {
  const produced = out.length;
  ctx.spendInflated(produced, codec.title);
  ctx.info(`${codec.id}.streams`, state.streams);
  ctx.info(`${codec.id}.inflatedBytes`, produced);
  if (out.spilled) ctx.info(`${codec.id}.spilledToDisk`, true);
  if (stop !== undefined) {
    reportStop(stop, ctx, codec, produced);
  } else if (state.consumed < input.length) {
    const rest = input.subarray(state.consumed);
    if (!allZero(rest)) {
      ctx.report({
        rule: COMPRESS_RULES.trailing.id,
        severity: 'suspicious',
        message: `${codec.title}: ${rest.length} bytes after the last complete stream are not ${codec.title} data`,
        location: { offset: state.consumed },
      });
    }
  }
  for (const c of state.checksums) {
    ctx.report({ rule: COMPRESS_RULES.checksum.id, severity: 'suspicious', message: `${codec.title}: ${c}` });
  }
  if (produced === 0 && stop !== undefined) return;
  await ctx.nested(out.source(), memberName(ctx, codec, state.name));
}

/** A format scanner for one codec: the codec's own sniffer decides, the driver does the rest. */
export function compressedFormat(codec: Codec): FormatScanner {
  return {
    id: codec.id,
    title: codec.title,
    sniff: (probe: Probe) => codec.sniff(probe.head),
    scan: (src, ctx) => scanCompressed(src, ctx, codec),
  };
}
