/**
 * The oldest PyTorch format (before 0.1.10, still read by torch.load's
 * legacy path, which tries tar first): a tar with `sys_info`, `pickle`,
 * `tensors` and `storages`. torch.load unpickles `storages` first (a count,
 * then per storage an argument pickle and raw bytes, then a views pickle),
 * then `tensors` (a count, then per tensor a pickle and binary shape data),
 * then `pickle`. All of those pickles are analysed.
 */
import { SliceSource, type ByteSource } from '../../bytes/source.js';
import { ByteReader } from '../../bytes/reader.js';
import { isTarHeader, readTar, type TarArchive, type TarEntry } from '../../containers/tar/reader.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import type { Policy } from '../../python-globals/policy.js';
import { latin1Decode } from '../../bytes/text.js';
import type { AnalysisOptions } from '../pickle/analysis.js';
import { looksLikePickle } from '../pickle/sniff.js';
import { analyzePickleStream, runOnePickle } from '../pickle/stream.js';
import { PyGlobal, PyList, PyObject, PyTuple, type PyValue } from '../pickle/values.js';
import { FilteredContext } from '../pickle-file/filtered-context.js';
import { LEGACY_RULES } from './legacy.js';
import { storageElementSize } from './storage.js';
import { LOADER_MEMBERS, loaderMember, type LoaderMember } from './tar-members.js';

const MEMBERS = new Set(['sys_info', 'pickle', 'tensors', 'storages']);

function layout(ctx: ScanContext, offset: number, message: string): void {
  ctx.report({ rule: LEGACY_RULES.layout.id, severity: 'suspicious', message, location: { offset } });
}

function count(v: PyValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** legacy_load's persistent_load: a tuple (module record) or a storage id. */
function tarPersistentLoad(pid: PyValue, site: { pos: number; opcode: string }): PyValue {
  if (pid instanceof PyTuple) return pid.items[0] ?? null;
  return new PyObject({ origin: 'persid', pos: site.pos, opcode: site.opcode, extra: pid });
}

/**
 * Element sizes of every torch dtype (`torch._utils._element_size`): bool,
 * uint8, int8 and the quantized 8-bit and packed types 1; (b)float16 and
 * int16 2; float32, int32, qint32 and complex32 4; float64, int64 and
 * complex64 8; complex128 16.
 */
const TORCH_ELEMENT_SIZES = [1, 2, 4, 8, 16] as const;

/**
 * Walks of one `storages` member past records whose element size cannot be
 * read (CWE-400: every unreadable record forks a walk per element size, each
 * re-reading the rest of the member).
 */
export const MAX_STORAGE_WALKS = 16;

/**
 * The storage type `key, location, storage_type = args` unpacks: legacy_load
 * unpacks any three-item iterable (a tuple, a list...).
 */
function storageType(args: PyValue): PyValue | undefined {
  if ((args instanceof PyTuple || args instanceof PyList) && args.count === 3 && !args.truncated) return args.items[2];
  return undefined;
}

/** A context that passes on only malicious findings, labelled with the walk they come from; failures are dropped. */
function maliciousOnly(ctx: ScanContext, label: string): ScanContext {
  return new FilteredContext(ctx, (f) => (f.severity === 'malicious' ? { ...f, message: `${label}: ${f.message}` } : undefined), 'drop');
}

interface StorageWalk {
  data: ByteSource;
  base: AnalysisOptions;
  /** Walks started so far (at most `MAX_STORAGE_WALKS`). */
  walks: number;
  /** Whether a reading was left out for the limit (reported once). */
  capped: boolean;
}

/** Walks `storages`: count, then (args pickle, int64 count, bytes) per storage, then the views pickle. */
function scanStorages(data: ByteSource, ctx: ScanContext, base: AnalysisOptions): void {
  const first = runOnePickle(data, 0, data.size, ctx, { ...base, label: 'storages count: ' });
  const n = count(first.result?.value);
  if (first.result === undefined) return;
  if (n === undefined) {
    layout(ctx, 0, 'storages: the count pickle is not a non-negative int');
    return;
  }
  walkStorages({ data, base, walks: 1, capped: false }, ctx, first.next, 0, n, undefined);
}

/**
 * Storage records `from`..`n` from `pos`. `fork` names a walk that guessed
 * an element size: it reports only malicious findings.
 *
 * torch 1.13's legacy_load reads the element size from `storage_type.dtype`,
 * so any object with a torch dtype works there, not only the storage
 * classes: a tensor type such as `torch.FloatTensor` does (checked in the
 * sandbox, docs/soundness-review.md, round 3), and the record after it is
 * unpickled like any other. A record whose size cannot be read here is
 * therefore reported and the walk goes on with every element size a dtype
 * can have: a payload in a later record is found whichever size torch used.
 */
function walkStorages(w: StorageWalk, ctx: ScanContext, start: number, from: number, n: number, fork: string | undefined): void {
  const { data } = w;
  const rctx = fork === undefined ? ctx : maliciousOnly(ctx, fork);
  let pos = start;
  for (let i = from; i < n; i++) {
    const r = runOnePickle(data, pos, data.size, rctx, { ...w.base, ctx: rctx, label: `storage #${i + 1}: ` });
    if (r.result === undefined) return;
    pos = r.next;
    const type = storageType(r.result.value);
    const el = type instanceof PyGlobal ? storageElementSize(type.full) : undefined;
    if (pos + 8 > data.size) {
      if (fork === undefined) layout(ctx, pos, `storage #${i + 1}: missing size`);
      return;
    }
    const elements = new ByteReader(data.read(pos, 8), pos).i64le();
    if (el === undefined) {
      if (fork === undefined) {
        layout(ctx, pos, `storage #${i + 1}: element size unknown (not a storage class); the later records are read with every dtype size`);
      }
      const tried = new Set<number>();
      for (const size of TORCH_ELEMENT_SIZES) {
        const len = elements * BigInt(size);
        if (elements < 0n || len > BigInt(data.size - pos - 8)) continue;
        const next = pos + 8 + Number(len);
        if (tried.has(next)) continue;
        tried.add(next);
        if (w.walks >= MAX_STORAGE_WALKS) {
          if (!w.capped) layout(ctx, pos, `more than ${MAX_STORAGE_WALKS} readings of the storage records: the rest were not read`);
          w.capped = true;
          return;
        }
        w.walks++;
        const label = `${fork === undefined ? '' : `${fork}, `}storage #${i + 1} read with ${size}-byte elements`;
        walkStorages(w, ctx, next, i + 1, n, label);
      }
      return;
    }
    const len = elements * BigInt(el);
    if (elements < 0n || len > BigInt(data.size - pos - 8)) {
      if (fork === undefined) layout(ctx, pos, `storage #${i + 1} runs past the member`);
      return;
    }
    pos += 8 + Number(len);
  }
  runOnePickle(data, pos, data.size, rctx, { ...w.base, ctx: rctx, label: 'storage views: ' });
}

/** Walks `tensors`: count, then (args pickle, ndim, 4 skipped bytes, sizes, strides, offset) per tensor. */
function scanTensors(data: ByteSource, ctx: ScanContext, base: AnalysisOptions): void {
  const first = runOnePickle(data, 0, data.size, ctx, { ...base, label: 'tensors count: ' });
  const n = count(first.result?.value);
  if (first.result === undefined) return;
  if (n === undefined) {
    layout(ctx, 0, 'tensors: the count pickle is not a non-negative int');
    return;
  }
  let pos = first.next;
  for (let i = 0; i < n; i++) {
    const r = runOnePickle(data, pos, data.size, ctx, { ...base, label: `tensor #${i + 1}: ` });
    if (r.result === undefined) return;
    pos = r.next;
    if (pos + 8 > data.size) {
      layout(ctx, pos, `tensor #${i + 1}: missing shape data`);
      return;
    }
    const ndim = new ByteReader(data.read(pos, 4), pos).i32le();
    const skip = 8 + 16 * ndim + 8;
    // No dimension cap: torch 1.13 reads `struct.unpack(f'<{ndim}q', ...)` and set_ took 200 dimensions
    // (the record after it ran in the sandbox, docs/soundness-review.md round 3); the member's size bounds it.
    if (ndim < 0 || pos + skip > data.size) {
      layout(ctx, pos, `tensor #${i + 1}: bad ndim ${ndim}`);
      return;
    }
    pos += skip;
  }
}

/**
 * Walks the members torch.load's legacy_load reads (`storages`, `tensors`,
 * `pickle`, found as tarfile finds them) record by record. `loaderOnly`:
 * only those, and only when they start like a pickle (for a tar that the
 * generic tar scanner reads: torch.load opens any tar this way, whatever
 * its first member); otherwise every other member that looks like a pickle
 * is analysed as a stream too.
 */
export function scanLegacyTarMembers(src: ByteSource, tar: TarArchive, ctx: ScanContext, loaderOnly: boolean): void {
  const policy: Policy = ctx.policyFor('torch-tar');
  const open = (e: TarEntry): ByteSource => new SliceSource(src, e.dataOffset, e.size);
  const pickleHead = (e: TarEntry): boolean => looksLikePickle(open(e).read(0, Math.min(4096, e.size)));
  // Every member is walked as each name it is read under: its own name (all
  // duplicates, so what any reader of the tar sees is analysed) and the names
  // torch.load reaches it by through tarfile (the last duplicate, links).
  const readAs = new Map<TarEntry, Set<LoaderMember>>();
  const detours: { entry: TarEntry; message: string }[] = [];
  for (const name of Object.keys(LOADER_MEMBERS) as LoaderMember[]) {
    const read = loaderMember(tar.entries, name);
    for (const e of tar.entries) {
      if ((e.type === 'file' && e.name === name) || e === read?.entry) readAs.set(e, (readAs.get(e) ?? new Set()).add(name));
    }
    if (read?.detour !== undefined) detours.push({ entry: read.entry, message: `torch.load reads '${name}' from member '${read.entry.name}': ${read.detour}` });
  }
  for (const d of detours) if (!loaderOnly || pickleHead(d.entry)) layout(ctx.child(d.entry.name), d.entry.headerOffset, d.message);
  for (const e of tar.entries) {
    if (e.type !== 'file') continue;
    const mctx = ctx.child(e.name);
    const names = readAs.get(e);
    if (names === undefined) {
      if (!loaderOnly && pickleHead(e)) analyzePickleStream(open(e), 0, e.size, mctx, { policy });
      continue;
    }
    if (loaderOnly && !pickleHead(e)) continue;
    const base: AnalysisOptions = { ctx: mctx, policy };
    if (names.has('storages')) scanStorages(open(e), mctx, base);
    if (names.has('tensors')) scanTensors(open(e), mctx, base);
    if (names.has('pickle')) analyzePickleStream(open(e), 0, e.size, mctx, { policy, persistentLoad: tarPersistentLoad });
  }
}

export const torchTarFormat: FormatScanner = {
  id: 'torch-tar',
  title: 'PyTorch tar checkpoint (legacy)',
  covers: ['tar'],
  sniff(probe: Probe): boolean {
    if (!isTarHeader(probe.head)) return false;
    const name = latin1Decode(probe.head.subarray(0, 100)).replace(/\0.*$/s, '');
    return MEMBERS.has(name);
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const tar = readTar(src, ctx.limits.maxArchiveEntries);
    scanLegacyTarMembers(src, tar, ctx, false);
    ctx.info('torch.tarMembers', tar.entries.map((e) => e.name).slice(0, 20));
    return Promise.resolve();
  },
};
