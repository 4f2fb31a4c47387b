/**
 * Helpers shared by zip flavours: open a member bounded, check its CRC,
 * and analyse a member that holds pickles.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ZipEntry } from '../../containers/zip/archive.js';
import type { ZipArchive } from '../../containers/zip/archive.js';
import { crcOf, entryHead, entrySource, METHOD_STORED } from '../../containers/zip/extract.js';
import type { ScanContext } from '../context.js';
import type { AnalysisOptions } from '../pickle/analysis.js';
import { looksLikePickle } from '../pickle/sniff.js';
import { analyzePickleStream, type StreamResult } from '../pickle/stream.js';
import { ZIP_ANOMALY_SEVERITY, zipRuleId } from './rules.js';

/** Opens a member, reporting (and returning undefined) when it cannot be read. */
export function openMember(src: ByteSource, e: ZipEntry, ctx: ScanContext, checkCrc: boolean): ByteSource | undefined {
  let data: ByteSource;
  try {
    data = entrySource(src, e, ctx.limits);
  } catch (err) {
    ctx.fail(err, 'zip');
    return undefined;
  }
  if (checkCrc && e.listed === 'central') {
    const actual = crcOf(data);
    if (actual !== e.crc32 >>> 0) {
      ctx.report({
        rule: zipRuleId('crc-mismatch'),
        severity: ZIP_ANOMALY_SEVERITY['crc-mismatch'],
        message: `CRC-32 of '${e.name}' is ${hex(actual)}, the directory says ${hex(e.crc32)}: zipfile raises, torch loads it`,
        location: { offset: e.localOffset },
      });
    }
  }
  return data;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** Whether a member's first bytes look like a pickle (cheap: reads at most 4 KiB). */
export function memberLooksLikePickle(src: ByteSource, e: ZipEntry): boolean {
  if (e.uncompressedSize === 0 && e.compressedSize === 0) return false;
  return looksLikePickle(entryHead(src, e, 4096));
}

export interface PickleMemberOptions extends Omit<AnalysisOptions, 'ctx' | 'policy' | 'label'> {
  /** Format whose policy applies (`torch-zip`, `torchscript`...). */
  format: string;
}

/** Analyses a member as a pickle stream in the member's own location. */
export function scanPickleMember(src: ByteSource, e: ZipEntry, ctx: ScanContext, opts: PickleMemberOptions): StreamResult | undefined {
  const mctx = ctx.child(e.name);
  const data = openMember(src, e, mctx, true);
  if (data === undefined) return undefined;
  const { format, ...rest } = opts;
  return analyzePickleStream(data, 0, data.size, mctx, { ...rest, policy: mctx.policyFor(format) });
}

export interface MemberWalk {
  /** Members the flavour has analysed itself (left out of the walk). */
  skip?: (e: ZipEntry) => boolean;
  /** Whether to check a member's CRC-32 before scanning it. */
  checkCrc?: (e: ZipEntry) => boolean;
  /** Looks at an opened member before it is scanned as a file of its own (reports in `mctx`). */
  inspect?: (e: ZipEntry, data: ByteSource, mctx: ScanContext) => void;
}

/**
 * Scans every member (but directories and those `walk.skip` names) as a
 * file of its own: sniffed, recursed into. The members' declared sizes
 * together stay within `limits.maxInflatedBytes` (the first member past it
 * and the rest are reported, not scanned), and inflated members draw on
 * the file's budget, shared with every nested layer (CWE-409).
 */
export async function scanMembersAsFiles(zip: ZipArchive, src: ByteSource, ctx: ScanContext, walk: MemberWalk = {}): Promise<void> {
  let inflated = 0;
  for (const e of zip.entries) {
    if (walk.skip?.(e) === true) continue;
    if (e.name.endsWith('/') && e.uncompressedSize === 0) continue;
    inflated += e.uncompressedSize;
    if (inflated > ctx.limits.maxInflatedBytes) {
      ctx.report({
        rule: 'engine/limit',
        severity: 'unscannable',
        message: `archive members inflate to more than ${ctx.limits.maxInflatedBytes} bytes; '${e.name}' and later members were not scanned`,
      });
      return;
    }
    const mctx = ctx.child(e.name);
    if (e.method !== METHOD_STORED) {
      try {
        ctx.spendInflated(e.uncompressedSize, `zip member '${e.name}'`);
      } catch (err) {
        mctx.fail(err, 'zip');
        return;
      }
    }
    const data = openMember(src, e, mctx, walk.checkCrc?.(e) === true);
    if (data === undefined) continue;
    walk.inspect?.(e, data, mctx);
    await ctx.nested(data, e.name);
  }
}
