/**
 * 7z archives (a nullifAI-style way to ship a payload pickle past scanners
 * that do not open 7z). 7-Zip lists the archive first; the entry count,
 * the declared sizes against the file's inflation budget and the ratio
 * limit, and the entry names are checked before anything is extracted.
 * Extracted files are scanned as members; 7-Zip's errors (CRC, corrupt or
 * encrypted data, unsupported methods) make the archive `unscannable`.
 */
import { BufferSource, type ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { RATIO_FLOOR } from '../../codecs/output.js';
import { COMPRESS_RULES } from '../compress/rules.js';
import { escapingName } from './paths.js';
import { ARCHIVE_RULES } from './rules.js';
import { SevenZipTool, type SevenZipEntry } from './sevenzip-tool.js';

const MAGIC = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
/** 7-Zip error lines quoted in one finding. */
const MAX_ERROR_LINES = 6;

function reportErrors(ctx: ScanContext, what: string, errors: readonly string[]): void {
  const lines = errors.filter((l) => !/^ERRORS?:$/.test(l)).slice(0, MAX_ERROR_LINES);
  ctx.report({
    rule: ARCHIVE_RULES.sevenZipError.id,
    severity: 'unscannable',
    message: `7-Zip ${what}: ${lines.join(' | ') || 'failed'}`,
  });
}

/** Checks declared sizes before extraction; throws `E_LIMIT` for a bomb. */
function checkSizes(entries: readonly SevenZipEntry[], archiveSize: number, ctx: ScanContext): number {
  if (entries.length > ctx.limits.maxArchiveEntries) {
    throw new ModelguardError('E_LIMIT', `7z archive lists ${entries.length} entries (limit ${ctx.limits.maxArchiveEntries})`);
  }
  let total = 0;
  for (const e of entries) total += e.size;
  const byRatio = Math.max(RATIO_FLOOR, archiveSize * ctx.limits.maxInflateRatio);
  if (total > byRatio || total > ctx.inflateBudget) {
    ctx.report({
      rule: COMPRESS_RULES.bomb.id,
      severity: 'unscannable',
      message: `7z entries declare ${total} bytes from a ${archiveSize}-byte archive (ratio limit ${ctx.limits.maxInflateRatio}:1 past 1 MiB, ${ctx.inflateBudget} bytes of budget left); nothing was extracted`,
    });
    return -1;
  }
  ctx.spendInflated(total, '7z archive');
  return total;
}

export const sevenZipFormat: FormatScanner = {
  id: '7z',
  title: '7z archive',
  sniff(probe: Probe): boolean {
    return MAGIC.every((b, i) => probe.head[i] === b);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    if (src.size > ctx.inflateBudget) throw new ModelguardError('E_LIMIT', `7z archive of ${src.size} bytes is larger than the remaining inflation budget`);
    const tool = await SevenZipTool.open(src.read(0, src.size));
    const listing = tool.list();
    ctx.info('7z.entries', listing.entries.length);
    if (listing.code !== 0) reportErrors(ctx, 'could not list the archive', listing.errors);
    if (listing.code >= 2 && listing.entries.length === 0) return;
    for (const e of listing.entries) {
      const bad = escapingName(e.path);
      if (bad !== undefined) {
        ctx.report({
          rule: ARCHIVE_RULES.unsafeName.id,
          severity: 'suspicious',
          message: `entry '${e.path}' has an ${bad}`,
          location: { member: [...(ctx.location.member ?? []), e.path] },
        });
      }
    }
    if (checkSizes(listing.entries, src.size, ctx) < 0) return;
    const extracted = tool.extract();
    if (extracted.code !== 0 && listing.code === 0) reportErrors(ctx, 'could not extract everything', extracted.errors);
    for (const f of tool.files()) {
      if (f.data.length === 0) continue;
      await ctx.nested(new BufferSource(f.data), f.path);
    }
  },
};
