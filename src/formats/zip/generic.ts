/**
 * A zip that is no known model layout: every member is scanned as a file
 * of its own (sniffed, recursed into), within the archive limits.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ZipArchive } from '../../containers/zip/archive.js';
import type { ScanContext } from '../context.js';
import type { ZipFlavour } from './flavour.js';
import { METHOD_STORED } from '../../containers/zip/extract.js';
import { openMember } from './members.js';

export const genericZipFlavour: ZipFlavour = {
  id: 'zip',
  title: 'zip archive',
  claims(): boolean {
    return true;
  },
  async scan(zip: ZipArchive, src: ByteSource, ctx: ScanContext): Promise<void> {
    let inflated = 0;
    for (const e of zip.entries) {
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
        // Inflated members draw on the file's budget, shared with every nested layer.
        try {
          ctx.spendInflated(e.uncompressedSize, `zip member '${e.name}'`);
        } catch (err) {
          mctx.fail(err, 'zip');
          return;
        }
      }
      const data = openMember(src, e, mctx, false);
      if (data === undefined) continue;
      await ctx.nested(data, e.name);
    }
  },
};
