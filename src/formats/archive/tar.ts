/**
 * tar archives (plain; `.tar.gz/.bz2/.xz` arrive through the decompressors):
 * every regular member is scanned as a file of its own; names, links and
 * special entries that attack extraction are findings. Legacy PyTorch tar
 * checkpoints are the `torch-tar` scanner's (it covers this one).
 */
import { SliceSource, type ByteSource } from '../../bytes/source.js';
import { isTarHeader, readTar, type TarEntry } from '../../containers/tar/reader.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { escapingLink, escapingName } from './paths.js';
import { ARCHIVE_RULES } from './rules.js';
import { scanLegacyTarMembers } from '../torch/tar-checkpoint.js';

function checkEntry(e: TarEntry, ctx: ScanContext): void {
  const at = { offset: e.headerOffset, member: [...(ctx.location.member ?? []), e.name] };
  const bad = escapingName(e.name);
  if (bad !== undefined) {
    ctx.report({
      rule: ARCHIVE_RULES.tarTraversal.id,
      severity: 'malicious',
      message: `entry '${e.name}' has an ${bad}: tarfile extracts it outside the target directory`,
      location: at,
    });
  }
  switch (e.type) {
    case 'symlink':
    case 'hardlink': {
      const esc = escapingLink(e.name, e.linkName, e.type === 'symlink');
      if (esc !== undefined) {
        ctx.report({ rule: ARCHIVE_RULES.tarLinkEscape.id, severity: 'malicious', message: `${e.type} '${e.name}' has an ${esc}`, location: at });
      } else {
        ctx.report({ rule: ARCHIVE_RULES.tarLink.id, severity: 'info', message: `${e.type} '${e.name}' -> '${e.linkName}'`, location: at });
      }
      return;
    }
    case 'device':
    case 'fifo':
      ctx.report({ rule: ARCHIVE_RULES.specialFile.id, severity: 'suspicious', message: `'${e.name}' is a ${e.type} entry`, location: at });
      return;
    case 'other':
      ctx.report({
        rule: ARCHIVE_RULES.unsupportedEntry.id,
        severity: 'unscannable',
        message: `'${e.name}' has a tar entry type modelguard does not read; its ${e.size} bytes were not scanned`,
        location: at,
      });
      return;
    case 'file':
    case 'dir':
      return;
  }
}

export const tarFormat: FormatScanner = {
  id: 'tar',
  title: 'tar archive',
  sniff(probe: Probe): boolean {
    return isTarHeader(probe.head);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const tar = readTar(src, ctx.limits.maxArchiveEntries);
    ctx.info('tar.entries', tar.entries.length);
    for (const e of tar.entries) {
      checkEntry(e, ctx);
      // An empty file holds nothing to load; scanning it would only say "unknown format".
      if (e.type === 'file' && e.size > 0) await ctx.nested(new SliceSource(src, e.dataOffset, e.size), e.name);
    }
    // torch.load reads any tar as a legacy checkpoint (legacy_load), whatever its first member.
    scanLegacyTarMembers(src, tar, ctx, true);
  },
};
