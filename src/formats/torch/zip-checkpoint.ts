/**
 * PyTorch zip checkpoints (`torch.save`, the default since 1.6): a folder
 * `<archive>/` with `data.pkl` (the object tree, tensors as persistent ids),
 * `data/<key>` storage records, and small metadata records. torch.load
 * finds the folder from the first central-directory entry and reads
 * `<archive>/data.pkl` (miniz looks names up case-insensitively).
 *
 * Every member whose bytes are a pickle is analysed, whatever its name;
 * storage records named by data.pkl are never read (a 4 GB checkpoint
 * costs a few kilobytes of I/O).
 */
import type { ByteSource } from '../../bytes/source.js';
import type { ZipArchive, ZipEntry } from '../../containers/zip/archive.js';
import type { ScanContext } from '../context.js';
import { defineRules, type RuleInfo } from '../../findings/rules.js';
import type { ZipFlavour } from '../zip/flavour.js';
import { memberLooksLikePickle, scanPickleMember } from '../zip/members.js';
import { torchPersistentLoad, type StorageRef } from './persistent.js';
import { storageElementSize } from './storage.js';

export const TORCH_RULES = {
  noDataPkl: {
    id: 'torch/no-data-pkl',
    title: 'No data.pkl in a PyTorch archive',
    severity: 'suspicious',
    help: 'torch.load reads <archive>/data.pkl; without it the load fails. The archive holds something else.',
  },
  unreadPickle: {
    id: 'torch/unread-pickle-member',
    title: 'Pickle in a member torch.load does not read',
    severity: 'info',
    help: 'The member is a pickle but torch.load only unpickles data.pkl; other loaders (or a later torch version) might. It is analysed like data.pkl.',
  },
  storage: {
    id: 'torch/storage-record',
    title: 'Storage record missing or short',
    severity: 'suspicious',
    help: 'data.pkl names a storage whose record is missing or smaller than numel x element size: torch.load fails or reads out of bounds.',
  },
} as const satisfies Record<string, RuleInfo>;
defineRules(Object.values(TORCH_RULES));

/** Records torch writes besides data.pkl and data/<key>; not pickles. */
const METADATA_RECORDS = new Set(['version', 'byteorder', '.data/version', '.data/serialization_id', '.format_version', '.storage_alignment']);

/**
 * The entries torch.load sees: miniz's reading of the archive when miniz
 * can read it (see `containers/zip/loaders.ts`), else every listed entry.
 */
export function torchEntries(zip: ZipArchive): ZipEntry[] {
  return zip.views.find((v) => v.reader === 'miniz')?.entries ?? zip.entries.filter((e) => e.listed === 'central');
}

/** The archive folder: the part before the first '/' of the first directory entry (`PyTorchStreamReader::init`). */
export function archiveFolder(zip: ZipArchive, entries: readonly ZipEntry[] = torchEntries(zip)): string | undefined {
  const first = entries[0];
  if (first === undefined) return undefined;
  const slash = first.name.indexOf('/');
  return slash < 0 ? undefined : first.name.slice(0, slash);
}

/** The entry miniz returns for `<archive>/<name>`: case-insensitive, first listed. */
export function findRecord(zip: ZipArchive, archive: string, name: string, entries: readonly ZipEntry[] = torchEntries(zip)): ZipEntry | undefined {
  const want = `${archive}/${name}`.toLowerCase();
  return entries.find((e) => e.name.toLowerCase() === want);
}

/**
 * The records torch would unpickle as `loaded` (data.pkl...), in every
 * reading of the archive: miniz's, and each other one, since a reading
 * that disagrees with miniz's is already suspect and a later torch (or a
 * tool built on zipfile) may follow it.
 */
function mainRecords(zip: ZipArchive, loaded: readonly string[]): ZipEntry[] {
  const readings = [torchEntries(zip), ...zip.views.map((v) => v.entries), zip.entries.filter((e) => e.listed === 'central')];
  const mains: ZipEntry[] = [];
  for (const entries of readings) {
    const archive = archiveFolder(zip, entries) ?? '';
    for (const n of loaded) {
      const e = findRecord(zip, archive, n, entries);
      if (e !== undefined && !mains.includes(e)) mains.push(e);
    }
  }
  return mains;
}

export function hasDataPkl(zip: ZipArchive): boolean {
  return zip.entries.some((e) => /(^|\/)data\.pkl$/i.test(e.name));
}

/** Analyses data.pkl (if any) and every other pickle member; returns the storages data.pkl names. */
export function scanTorchPickles(
  zip: ZipArchive,
  src: ByteSource,
  ctx: ScanContext,
  format: string,
  loaded: readonly string[],
  alsoLoaded: (name: string) => boolean = () => false,
): Map<string, StorageRef> {
  const archive = archiveFolder(zip) ?? '';
  const refs = new Map<string, StorageRef>();
  const mains = mainRecords(zip, loaded);
  for (const e of mains) {
    scanPickleMember(src, e, ctx, { format, persistentLoad: torchPersistentLoad(refs, false) });
  }
  const storageNames = new Set([...refs.keys()].map((k) => `${archive}/data/${k}`.toLowerCase()));
  let skipped = 0;
  for (const e of zip.entries) {
    if (mains.includes(e)) continue;
    const lower = e.name.toLowerCase();
    if (storageNames.has(lower)) continue;
    const rel = e.name.startsWith(`${archive}/`) ? e.name.slice(archive.length + 1) : e.name;
    if (METADATA_RECORDS.has(rel) && e.uncompressedSize < 4096) continue;
    if (!memberLooksLikePickle(src, e)) {
      skipped++;
      continue;
    }
    if (!alsoLoaded(e.name))
      ctx.child(e.name).report({
        rule: TORCH_RULES.unreadPickle.id,
        severity: 'info',
        message: `'${e.name}' is a pickle that torch.load does not unpickle; analysed anyway`,
        location: { offset: 0 },
      });
    scanPickleMember(src, e, ctx, { format, persistentLoad: torchPersistentLoad(refs, false) });
  }
  if (skipped > 0) ctx.info('torch.otherMembers', skipped);
  return refs;
}

/** Checks every named storage has a record large enough. */
export function checkStorages(zip: ZipArchive, archive: string, refs: Map<string, StorageRef>, ctx: ScanContext): number {
  let bytes = 0;
  for (const r of refs.values()) {
    const rec = findRecord(zip, archive, `data/${r.key}`);
    const el = storageElementSize(r.storageType);
    const need = el === undefined ? undefined : r.numel * el;
    if (rec === undefined || (need !== undefined && rec.uncompressedSize < need)) {
      ctx.report({
        rule: TORCH_RULES.storage.id,
        severity: 'suspicious',
        message:
          rec === undefined
            ? `storage '${r.key}' named in data.pkl has no record data/${r.key}`
            : `storage '${r.key}' needs ${need} bytes (${r.numel} x ${el}), its record has ${rec.uncompressedSize}`,
      });
    }
    if (rec !== undefined) bytes += rec.uncompressedSize;
  }
  return bytes;
}

export const torchZipFlavour: ZipFlavour = {
  id: 'torch-zip',
  title: 'PyTorch zip checkpoint',
  claims(zip: ZipArchive): boolean {
    return hasDataPkl(zip);
  },
  scan(zip: ZipArchive, src: ByteSource, ctx: ScanContext): Promise<void> {
    const archive = archiveFolder(zip);
    if (archive === undefined || findRecord(zip, archive, 'data.pkl') === undefined) {
      ctx.report({
        rule: TORCH_RULES.noDataPkl.id,
        severity: 'suspicious',
        message:
          archive === undefined
            ? 'the first entry is not inside a folder, so torch.load fails; pickle members are analysed anyway'
            : `no ${archive}/data.pkl (torch.load fails); pickle members are analysed anyway`,
      });
    }
    const refs = scanTorchPickles(zip, src, ctx, 'torch-zip', ['data.pkl']);
    const bytes = checkStorages(zip, archive ?? '', refs, ctx);
    ctx.info('torch.archive', archive ?? '');
    ctx.info('torch.storages', refs.size);
    ctx.info('torch.tensorBytes', bytes);
    return Promise.resolve();
  },
};
