/**
 * NumPy `.npz` archives (`np.savez`, `np.savez_compressed`): a zip of
 * `<key>.npy` members. `np.load` opens a member only when its key is read,
 * unpickling it if its dtype is object and `allow_pickle=True`; every
 * member is treated as read. Only headers are inflated for numeric
 * arrays (a 4 GB archive costs a few kilobytes); object members are
 * opened whole within the file's inflation budget.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ZipArchive, ZipEntry } from '../../containers/zip/archive.js';
import { METHOD_BZIP2, METHOD_DEFLATE, METHOD_LZMA, METHOD_STORED, entryHead, methodName } from '../../containers/zip/extract.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { ZipFlavour } from '../zip/flavour.js';
import { openMember } from '../zip/members.js';
import { scanAfterUnreadHeader, scanArray } from './array.js';
import { hasNpyMagic, npyPreamble, parseNpyHeader } from './header.js';
import { NUMPY_RULES } from './rules.js';

const ID = 'numpy-npz';
const ENCRYPTED = 1;

function members(zip: ZipArchive): ZipEntry[] {
  return zip.entries.filter((e) => e.listed === 'central' && !(e.name.endsWith('/') && e.uncompressedSize === 0));
}

function open(src: ByteSource, e: ZipEntry, ctx: ScanContext): ByteSource | undefined {
  if (e.method !== METHOD_STORED) ctx.spendInflated(e.uncompressedSize, `npz member '${e.name}'`);
  return openMember(src, e, ctx, true);
}

function scanMember(src: ByteSource, e: ZipEntry, parent: ScanContext, ctx: ScanContext): Promise<void> | undefined {
  if ((e.flags & ENCRYPTED) !== 0) return undefined; // reported by the zip walker as encrypted
  if (e.method !== METHOD_STORED && e.method !== METHOD_DEFLATE && e.method !== METHOD_BZIP2 && e.method !== METHOD_LZMA) {
    throw new ModelguardError('E_UNSUPPORTED', `member uses ${methodName(e.method)} compression, which zipfile reads and modelguard does not`);
  }
  const first = entryHead(src, e, 12);
  if (!hasNpyMagic(first)) {
    ctx.report({ rule: NUMPY_RULES.notArray.id, severity: 'info', message: 'no .npy magic: numpy.load returns this member as raw bytes' });
    const data = open(src, e, ctx);
    return data === undefined ? undefined : parent.nested(data, e.name);
  }
  const pre = npyPreamble(first);
  const need = pre.headerStart + pre.headerLength;
  if (need > e.uncompressedSize) {
    throw new ModelguardError('E_TRUNCATED', `.npy header of ${pre.headerLength} bytes runs past the member (${e.uncompressedSize} bytes)`);
  }
  let h;
  try {
    h = parseNpyHeader(entryHead(src, e, need));
  } catch (err) {
    scanAfterUnreadHeader(err, need, ctx, () => open(src, e, ctx));
  }
  scanArray(h, e.uncompressedSize, ctx, () => open(src, e, ctx));
  return undefined;
}

export const npzFlavour: ZipFlavour = {
  id: ID,
  title: 'NumPy .npz archive',
  claims(zip: ZipArchive): boolean {
    const list = members(zip);
    return list.length > 0 && list.every((e) => e.name.endsWith('.npy'));
  },
  async scan(zip: ZipArchive, src: ByteSource, ctx: ScanContext): Promise<void> {
    for (const e of members(zip)) {
      const mctx = ctx.child(e.name);
      try {
        await scanMember(src, e, ctx, mctx);
      } catch (err) {
        mctx.fail(err, ID);
      }
    }
  },
};
