/**
 * A zip that is no known model layout: every member is scanned as a file
 * of its own (sniffed, recursed into), within the archive limits.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ZipArchive } from '../../containers/zip/archive.js';
import type { ScanContext } from '../context.js';
import type { ZipFlavour } from './flavour.js';
import { scanMembersAsFiles } from './members.js';

export const genericZipFlavour: ZipFlavour = {
  id: 'zip',
  title: 'zip archive',
  claims(): boolean {
    return true;
  },
  async scan(zip: ZipArchive, src: ByteSource, ctx: ScanContext): Promise<void> {
    await scanMembersAsFiles(zip, src, ctx);
  },
};
