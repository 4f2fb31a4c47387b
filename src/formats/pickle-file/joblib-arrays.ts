/**
 * joblib's array format, read the way `joblib.load` reads it:
 * `NumpyUnpickler.load_build` runs after every BUILD and, when the object
 * on top of the stack is a `NumpyArrayWrapper` (isinstance), calls
 * `wrapper.read(unpickler)`, which reads from the *file handle*
 * (joblib/numpy_pickle.py, 1.2 as in Debian and current):
 *
 * - `read_mmap` when the caller passed `mmap_mode` and `allow_mmap` is
 *   true, else `read_array`;
 * - object dtypes (`dtype.hasobject`): one nested pickle
 *   (`pickle.load(file_handle)` in joblib 1.2, `pickle._Unpickler` today),
 *   which ends after its STOP or, when it read a whole frame, after that;
 * - otherwise, when `numpy_array_alignment_bytes` is not None, one padding
 *   length byte and that many bytes, then `count * dtype.itemsize` bytes,
 *   `count` being 1 for an empty shape and the int64 product of the shape
 *   otherwise (`read_mmap`: the same through `np.memmap`, which also takes a
 *   bare int as shape).
 *
 * Each reading joblib could make is an `Alternative`; the first is
 * followed, the others are handed to `joblib-follow.ts`, which replays the
 * stream with them. Old `NDArrayWrapper`s read another file instead.
 */
import { ModelguardError } from '../../errors.js';
import type { Limits } from '../limits.js';
import { dtypeFromPickle, type DtypeInfo } from '../numpy/dtype.js';
import type { PickleAnalysis } from '../pickle/analysis.js';
import { PickleMachine, type MachineHooks } from '../pickle/machine.js';
import { Op } from '../pickle/opcodes.js';
import { PickleReader } from '../pickle/reader.js';
import { PyGlobal, PyObject, PyTuple, type PyValue } from '../pickle/values.js';
import { Policy } from '../../python-globals/policy.js';
import { JoblibReader } from './joblib-reader.js';
import { resyncCandidates } from './joblib-resync.js';
import { JOBLIB_RULES } from './joblib-rules.js';
import {
  CALLED_METHODS,
  arrayCount,
  classOf,
  mmapCount,
  wrapperAttributes,
  wrapperClassOf,
  type Attr,
  type Count,
  type WrapperAttrs,
} from './joblib-wrapper.js';

/** Counts wrappers seen, for the report. */
export interface JoblibStats {
  arrays: number;
  objectArrays: number;
  dataBytes: number;
}

/** One way joblib may read what follows a wrapper. */
export interface Alternative {
  label: string;
  apply(reader: JoblibReader): void;
}

/** Array subclasses joblib reads without instantiating anything (it writes only these). */
const PLAIN_SUBCLASSES = new Set(['numpy.ndarray', 'numpy.memmap', 'numpy.core.memmap.memmap', 'numpy._core.memmap.memmap']);
/** Resynchronisations tried per wrapper of unknown size. */
const MAX_RESYNC_PER_ARRAY = 8;

/**
 * Where the reading forks: `choose` returns which of `labels` this run
 * follows for decision `key` (0 unless a replay says otherwise) and
 * remembers the others to be replayed.
 */
export interface Decisions {
  choose(key: string, labels: readonly string[]): number;
}

export interface WrapperHookOptions {
  limits: Limits;
  policy: Policy;
  stats: JoblibStats;
  decisions: Decisions;
}

function pick<T extends { label: string }>(opts: WrapperHookOptions, key: string, alts: readonly T[]): T {
  return alts[
    opts.decisions.choose(
      key,
      alts.map((a) => a.label),
    )
  ] as T;
}

function truthy(v: PyValue): boolean | undefined {
  if (v === null || v === false || v === 0 || v === '' || v === 0n) return false;
  if (v === true || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return true;
  if (v instanceof PyGlobal) return true;
  if (v instanceof PyTuple) return v.count > 0;
  return undefined;
}

function padding(alignment: Attr): boolean[] {
  if (alignment.kind === 'absent') return [false];
  if (alignment.kind === 'unknown') return [true, false];
  return alignment.value === null ? [false] : [true];
}

function readPadding(r: JoblibReader): void {
  const b = r.readFile(1, 'joblib padding length')[0] as number;
  if (b > 0) r.consume(b, 'joblib padding');
}

/** The bytes one nested pickle takes from the file: through STOP, and through the frame holding STOP when it reaches further. */
function nestedPickle(r: JoblibReader, hooks: MachineHooks, limits: Limits): number[] {
  const start = r.filePosition;
  const nested = new PickleReader(r.source, start, r.limit, limits.maxConstantBytes);
  const result = new PickleMachine(nested, hooks, { limits, retainItems: 64 }).run();
  const afterStop = result.stopPos + 1;
  const frames = new PickleReader(r.source, start, afterStop, limits.maxConstantBytes);
  let frameEnd = start;
  while (frames.pos < afterStop) {
    const op = frames.next();
    if (op.code === Op.FRAME) frameEnd = Math.min(frames.pos + (op.arg as number), r.limit);
  }
  return frameEnd > afterStop ? [afterStop - start, frameEnd - start] : [afterStop - start];
}

/** The MachineHooks of `analysis` without joblib's BUILD handling: nested pickles are plain `pickle.load`s. */
function plainHooks(analysis: PickleAnalysis): MachineHooks {
  return {
    onImport: (g, s) => {
      analysis.onImport(g, s);
    },
    onReference: (g, s) => {
      analysis.onReference(g, s);
    },
    onInvoke: (o, s) => analysis.onInvoke(o, s),
    onBuild: (t, st, s) => {
      analysis.onBuild(t, st, s);
    },
    onMutate: (t, s, items) => {
      analysis.onMutate(t, s, items);
    },
    onPersistentId: (p, s) => analysis.onPersistentId(p, s),
    onExtension: (c, s) => analysis.onExtension(c, s),
    onAnomaly: (a) => {
      analysis.onAnomaly(a);
    },
  };
}

function countText(c: Count): string {
  return c.kind === 'count' ? `${c.n}` : c.why;
}

/** The readings of a NumpyArrayWrapper whose attributes are `attrs`, most likely first. */
function numpyAlternatives(attrs: WrapperAttrs, dtype: DtypeInfo | undefined, opts: WrapperHookOptions, analysis: PickleAnalysis, at: number): Alternative[] {
  const alts: Alternative[] = [];
  const pads = padding(attrs.get('numpy_array_alignment_bytes'));
  const shape = attrs.get('shape');
  const count = arrayCount(shape);
  const plain = (n: bigint, pad: boolean, label: string): Alternative => ({
    label,
    apply: (r) => {
      if (pad) readPadding(r);
      const bytes = n * BigInt(dtype?.itemsize ?? 0);
      if (bytes > BigInt(r.fileRemaining)) {
        throw new ModelguardError('E_TRUNCATED', `joblib array at ${r.filePosition} declares ${bytes} bytes, only ${r.fileRemaining} left`, {
          offset: r.filePosition,
        });
      }
      r.consume(Number(bytes), 'joblib array data');
      opts.stats.dataBytes += Number(bytes);
    },
  });
  if (dtype !== undefined && dtype.hasObject) {
    opts.stats.objectArrays++;
    alts.push({
      label: 'the object array is one nested pickle, read to its STOP',
      apply: (r) => {
        const lengths = nestedPickle(r, plainHooks(analysis), opts.limits);
        const labels = [
          'the file position is right after the STOP',
          `the nested pickle's frame, read whole, ends ${(lengths[1] ?? 0) - (lengths[0] as number)} bytes after its STOP`,
        ];
        if (lengths.length > 1) {
          analysis.report(
            JOBLIB_RULES.ambiguous,
            'suspicious',
            `the object array's nested pickle sits in a frame that runs past its STOP: pickle.load leaves the file after the STOP or after the frame depending on buffering; both were analysed`,
            { pos: at - 1, opcode: 'BUILD' },
          );
        }
        const i = lengths.length > 1 ? opts.decisions.choose(`${at}:nested-frame`, labels) : 0;
        r.consume(lengths[i] as number, 'nested pickle');
      },
    });
  } else if (dtype !== undefined && count.kind === 'count') {
    for (const pad of pads) alts.push(plain(count.n, pad, `read_array: ${count.n} x ${dtype.itemsize} bytes${pad ? ' after the alignment padding' : ''}`));
  } else if (count.kind === 'fails' && dtype !== undefined) {
    return [];
  }
  // read_mmap (joblib.load(..., mmap_mode=...)) when allow_mmap may be true and memmap sizes the array differently.
  const mm = attrs.get('allow_mmap');
  const mmap = mm.kind === 'unknown' || (mm.kind === 'value' && truthy(mm.value) !== false);
  if (mmap && dtype !== undefined && !dtype.hasObject) {
    const mc = mmapCount(shape);
    if (mc.kind === 'count' && !(count.kind === 'count' && count.n === mc.n)) {
      for (const pad of pads) alts.push(plain(mc.n, pad, `read_mmap: ${mc.n} x ${dtype.itemsize} bytes`));
    }
  }
  if (alts.length === 0) {
    // Size unknown: the array may end anywhere; try each place the opcodes could resume with an import.
    const why = dtype === undefined ? 'the dtype is not a literal numpy.dtype(...)' : `the element count is unknown (${countText(count)})`;
    for (const pad of pads) {
      alts.push({
        label: `${why}; opcodes tried from each import site after the wrapper${pad ? ' (after padding)' : ''}`,
        apply: (r) => {
          if (pad) readPadding(r);
          const found = resyncCandidates(r.source, r.filePosition, r.limit, MAX_RESYNC_PER_ARRAY, opts.limits.maxConstantBytes);
          analysis.report(
            JOBLIB_RULES.ambiguous,
            'suspicious',
            `${why}: joblib's read of this array cannot be sized; the opcodes were analysed from ${found.offsets.length} place(s) they could resume (${found.offsets.join(', ')})`,
            { pos: at - 1, opcode: 'BUILD' },
          );
          if (found.incomplete) {
            analysis.report({ id: 'engine/limit' }, 'unscannable', `${why}: more places where the opcodes could resume than were tried`, {
              pos: r.filePosition,
              opcode: 'BUILD',
            });
          }
          const i = opts.decisions.choose(
            `${at}:resync`,
            found.offsets.map((to) => `if the array ends at ${to}`),
          );
          r.consumeTo(found.offsets[i] ?? r.filePosition, 'joblib array of unknown size');
        },
      });
    }
  }
  return alts;
}

function checkMethods(attrs: WrapperAttrs, analysis: PickleAnalysis, at: number): void {
  for (const m of CALLED_METHODS) {
    const a = attrs.get(m);
    if (a.kind === 'value') {
      analysis.report(
        JOBLIB_RULES.methodOverride,
        'malicious',
        `the wrapper's state sets '${m}', which joblib.load then calls instead of NumpyArrayWrapper.${m}`,
        { pos: at, opcode: 'BUILD' },
      );
    }
  }
}

function checkSubclass(attrs: WrapperAttrs, policy: Policy, analysis: PickleAnalysis, at: number): void {
  const sub = attrs.get('subclass');
  if (sub.kind !== 'value' || !(sub.value instanceof PyGlobal) || PLAIN_SUBCLASSES.has(sub.value.full)) return;
  const g = sub.value;
  const j = policy.judge(g.module, g.name, g.full);
  const severity = j.kind === 'denied' ? 'malicious' : Policy.permits(j, 'new') ? 'info' : 'suspicious';
  analysis.report(
    JOBLIB_RULES.subclass,
    severity,
    `joblib.load (numpy 1.x) instantiates ${g.full} as the array's subclass and calls its __array_prepare__`,
    { pos: at, opcode: 'BUILD' },
    { global: g.full, use: 'new' },
  );
}

function compatWrapper(attrs: WrapperAttrs, analysis: PickleAnalysis, at: number, zlib: boolean): void {
  const f = attrs.get('filename');
  const name = f.kind === 'value' && typeof f.value === 'string' ? f.value : undefined;
  const escapes = name === undefined || name.startsWith('/') || name.split(/[\\/]/).includes('..');
  const what = zlib ? 'opens and decompresses' : 'unpickles (numpy.load with allow_pickle=True)';
  analysis.report(
    JOBLIB_RULES.companionFile,
    escapes ? 'malicious' : 'suspicious',
    `joblib.load ${what} the file ${name === undefined ? 'named by a value computed while loading' : `'${name}'`} next to this one${escapes ? ', which can be anywhere on disk' : ''}`,
    { pos: at, opcode: 'BUILD' },
  );
}

/** Whether an object of a class the policy does not know may be a wrapper subclass: its state has a shape and a dtype. */
function looksLikeWrapper(target: PyObject, state: PyValue, policy: Policy): boolean {
  const cls = classOf(target);
  if (cls !== undefined && policy.judge(cls.module, cls.name, cls.full).kind === 'allowed') return false;
  const attrs = wrapperAttributes(target, 'numpy', state);
  return attrs.get('shape').kind === 'value' && attrs.get('dtype').kind === 'value';
}

/** The `afterBuild` hook of the joblib view. */
export function joblibAfterBuild(opts: WrapperHookOptions): (target: PyValue, state: PyValue, reader: PickleReader, analysis: PickleAnalysis) => void {
  return (target, state, reader, analysis) => {
    if (!(target instanceof PyObject) || !(reader instanceof JoblibReader)) return;
    const r = reader;
    const at = r.pos;
    const kind = wrapperClassOf(classOf(target));
    if (kind === 'ndarray-compat' || kind === 'zndarray-compat') {
      compatWrapper(wrapperAttributes(target, kind, state), analysis, at - 1, kind === 'zndarray-compat');
      return;
    }
    const maybe = kind === undefined && looksLikeWrapper(target, state, opts.policy);
    if (kind === undefined && !maybe) return;
    const attrs = wrapperAttributes(target, 'numpy', state);
    if (attrs.fails !== undefined) return;
    opts.stats.arrays++;
    checkMethods(attrs, analysis, at - 1);
    checkSubclass(attrs, opts.policy, analysis, at - 1);
    const d = attrs.get('dtype');
    const dtype = d.kind === 'value' ? dtypeFromPickle(d.value) : undefined;
    if (dtype !== undefined && !dtype.hasObject && /^[<>|=]?O/.test(dtype.spec)) {
      analysis.report(
        JOBLIB_RULES.pointerDtype,
        'suspicious',
        `dtype '${dtype.spec}' is pickled without NPY_ITEM_REFCOUNT: joblib reads raw bytes as object pointers`,
        { pos: at - 1, opcode: 'BUILD' },
      );
    }
    let alts = numpyAlternatives(attrs, dtype, opts, analysis, at);
    if (maybe) alts = [{ label: 'not a joblib wrapper: the bytes after it are opcodes', apply: () => undefined }, ...alts];
    if (alts.length === 0) return; // joblib raises here: nothing after this runs
    if (r.readsBehindFrame) {
      analysis.report(
        JOBLIB_RULES.behindFrame,
        'suspicious',
        `the frame holding this wrapper goes on to ${r.filePosition}: joblib reads the array from there while opcodes continue inside the frame`,
        { pos: at - 1, opcode: 'BUILD' },
      );
    }
    if (alts.length > 1) {
      analysis.report(
        JOBLIB_RULES.ambiguous,
        'suspicious',
        `joblib may read this array in ${alts.length} ways (${alts.map((a) => a.label).join('; ')}); each was analysed`,
        { pos: at - 1, opcode: 'BUILD' },
      );
    }
    pick(opts, `${at}`, alts).apply(r);
  };
}
