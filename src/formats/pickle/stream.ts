/**
 * Analyses a byte range holding one or more pickles back to back: every
 * pickle is run through the symbolic machine and the policy. A stream that
 * breaks (truncation, an invalid opcode) still reports everything found
 * before the break, plus the break itself: a parse error never hides a
 * finding and never yields `clean`.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError, describeError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { Policy } from '../../python-globals/policy.js';
import { PickleAnalysis, type AnalysisOptions } from './analysis.js';
import { PickleMachine, type PickleResult } from './machine.js';
import { opName } from './opcodes.js';
import { looksLikePickle } from './sniff.js';
import { PickleReader } from './reader.js';
import { PICKLE_RULES } from './rules.js';

/** Items kept per container while scanning (only rendering and argument positions need them). */
const SCAN_RETAIN = 64;

export interface StreamOptions extends Omit<AnalysisOptions, 'ctx' | 'policy' | 'label'> {
  policy: Policy;
  /** Only analyse the first pickle (formats whose loader reads exactly one). */
  single?: boolean;
  /** Severity of problems after the first pickle: `info` where the loader reads one pickle and ignores the rest. */
  trailingSeverity?: 'info' | 'suspicious';
  /** The opcode reader to use (joblib's unpickler reads frames its own way); a plain `PickleReader` by default. */
  readerFor?: ReaderFactory;
}

export type ReaderFactory = (src: ByteSource, start: number, end: number, maxConstantBytes: number) => PickleReader;

export interface StreamResult {
  /** Results of the pickles that reached STOP. */
  pickles: PickleResult[];
  /** Offset just after the last STOP (or where analysis stopped). */
  end: number;
  /** True when the first pickle broke before STOP. */
  broken: boolean;
  globals: string[];
}

/** Runs one pickle at `start`; returns the result or undefined if the stream broke (already reported). */
export function runOnePickle(
  src: ByteSource,
  start: number,
  end: number,
  ctx: ScanContext,
  analysisOpts: AnalysisOptions,
  breakSeverity: 'info' | 'suspicious' = 'suspicious',
  retain: number = SCAN_RETAIN,
  readerFor?: ReaderFactory,
): { result: PickleResult | undefined; next: number; analysis: PickleAnalysis } {
  const reader = readerFor?.(src, start, end, ctx.limits.maxConstantBytes) ?? new PickleReader(src, start, end, ctx.limits.maxConstantBytes, true);
  const analysis = new PickleAnalysis({ ...analysisOpts, src: analysisOpts.src ?? src });
  const machine = new PickleMachine(reader, analysis, { limits: ctx.limits, retainItems: retain });
  try {
    const result = machine.run();
    return { result, next: reader.pos, analysis };
  } catch (e) {
    reportBreak(e, ctx, analysisOpts.label ?? '', breakSeverity, reader.pos);
    return { result: undefined, next: reader.pos, analysis };
  } finally {
    analysis.finish();
  }
}

function reportBreak(e: unknown, ctx: ScanContext, label: string, severity: 'info' | 'suspicious', pos: number): void {
  if (e instanceof ModelguardError && e.code === 'E_LIMIT') {
    ctx.report({
      rule: 'engine/limit',
      severity: 'unscannable',
      message: `${label}${e.message}; the rest of the pickle was not analysed`,
      location: { offset: e.offset ?? pos },
    });
    return;
  }
  if (e instanceof ModelguardError && (e.code === 'E_TRUNCATED' || e.code === 'E_MALFORMED')) {
    ctx.report({
      rule: PICKLE_RULES.malformed.id,
      severity,
      message: `${label}${e.message}: the loader fails here (everything before it already ran)`,
      location: { offset: e.offset ?? pos },
    });
    return;
  }
  throw e instanceof Error ? e : new Error(describeError(e));
}

/**
 * Whether bytes after a STOP start another pickle: a PROTO with a known
 * version, or a protocol 0/1 stream the sniffer believes. Other data (a zip
 * appended to a pickle, array bytes) is reported as trailing data instead
 * of being decoded as opcodes.
 */
export function plausiblePickleStart(head: Uint8Array): boolean {
  const b0 = head[0];
  if (b0 === undefined) return false;
  if (b0 === 0x80) return head[1] !== undefined && head[1] <= 5;
  return looksLikePickle(head);
}

export function analyzePickleStream(src: ByteSource, start: number, end: number, ctx: ScanContext, opts: StreamOptions): StreamResult {
  const pickles: PickleResult[] = [];
  const globals = new Set<string>();
  let pos = start;
  let broken = false;
  for (let index = 0; pos < end; index++) {
    if (index > 0) {
      const next = src.read(pos, Math.min(4096, end - pos));
      if (opts.single === true || !plausiblePickleStart(next)) {
        ctx.report({
          rule: PICKLE_RULES.trailing.id,
          severity: 'info',
          message: `${end - pos} bytes after the last pickle (starting ${opName(next[0] ?? 0)}) are not analysed as a pickle`,
          location: { offset: pos },
        });
        break;
      }
      if (index >= ctx.limits.maxPicklesPerStream) {
        ctx.report({
          rule: 'engine/limit',
          severity: 'unscannable',
          message: `more than ${ctx.limits.maxPicklesPerStream} pickles in one stream; the rest was not analysed`,
          location: { offset: pos },
        });
        break;
      }
      if (index === 1) {
        ctx.report({
          rule: PICKLE_RULES.laterPickle.id,
          severity: 'info',
          message: `another pickle starts at offset ${pos} after the first STOP; pickle.load reads only the first, stream loaders read all`,
          location: { offset: pos },
        });
      }
    }
    const label = index === 0 ? '' : `pickle #${index + 1}: `;
    const { readerFor, ...analysisOpts } = opts;
    const { result, next, analysis } = runOnePickle(
      src,
      pos,
      end,
      ctx,
      { ...analysisOpts, ctx, label },
      index === 0 ? 'suspicious' : (opts.trailingSeverity ?? 'suspicious'),
      SCAN_RETAIN,
      readerFor,
    );
    for (const g of analysis.globalNames()) globals.add(g);
    if (result === undefined) {
      if (index === 0) broken = true;
      pos = next;
      break;
    }
    pickles.push(result);
    pos = next;
  }
  return { pickles, end: pos, broken, globals: [...globals] };
}
