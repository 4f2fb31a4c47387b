/**
 * A pickle file read by every loader that may open it, for files that
 * carry joblib arrays:
 *
 * 1. as `joblib.load` reads it (`JoblibReader`, the array hook), reported
 *    in full: this is the scan of the file;
 * 2. each other reading joblib could make of an ambiguous array (another
 *    size, mmap, a resynchronisation...), replayed from the start with that
 *    choice (`Decisions`): the memo and stack are then exactly the ones
 *    joblib would have;
 * 3. as plain `pickle.load` reads it, which knows nothing of joblib and
 *    decodes the array bytes as opcodes.
 *
 * Readings 2 and 3 add only `malicious` findings the first did not have,
 * labelled with the reading; the ambiguity itself is already reported
 * (`joblib/ambiguous-array`), so nothing hidden there leaves the file clean.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { FindingInput } from '../../findings/finding.js';
import type { ScanContext } from '../context.js';
import { analyzePickleStream, type StreamResult } from '../pickle/stream.js';
import { FilteredContext } from './filtered-context.js';
import { joblibAfterBuild, type Decisions, type JoblibStats } from './joblib-arrays.js';
import { JoblibReader } from './joblib-reader.js';
import { PICKLE_RULES } from '../pickle/rules.js';

/** Replays of other readings per file (CWE-400: each replay re-reads the stream). */
export const MAX_JOBLIB_REPLAYS = 32;

interface Replay {
  overrides: Map<string, number>;
  label: string;
}

/** Records each fork in the reading and queues every branch not taken yet. */
class Explorer implements Decisions {
  readonly queue: Replay[] = [];
  private readonly queued = new Set<string>();
  current = new Map<string, number>();
  private currentLabel = '';

  start(r: Replay): void {
    this.current = r.overrides;
    this.currentLabel = r.label;
  }

  choose(key: string, labels: readonly string[]): number {
    const chosen = Math.min(this.current.get(key) ?? 0, Math.max(0, labels.length - 1));
    labels.forEach((label, i) => {
      if (i === chosen) return;
      const overrides = new Map(this.current).set(key, i);
      const sig = [...overrides.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      if (this.queued.has(sig)) return;
      this.queued.add(sig);
      this.queue.push({ overrides, label: this.currentLabel === '' ? label : `${this.currentLabel}; ${label}` });
    });
    return chosen;
  }
}

function findingKey(f: FindingInput): string {
  return `${f.rule}|${f.location?.offset ?? ''}|${f.global ?? ''}|${f.use ?? ''}`;
}

/** A reader factory that keeps the readers it made (their short frames are reported afterwards). */
function readers(): { made: JoblibReader[]; make: (src: ByteSource, start: number, end: number, maxConst: number) => JoblibReader } {
  const made: JoblibReader[] = [];
  return {
    made,
    make: (src, start, end, maxConst) => {
      const r = new JoblibReader(src, start, end, maxConst);
      made.push(r);
      return r;
    },
  };
}

/** Scans `src` as pickle streams with joblib's array handling and its alternatives; returns the first reading's result. */
export function followJoblib(src: ByteSource, ctx: ScanContext, format: string, stats: JoblibStats): StreamResult {
  const policy = ctx.policyFor(format);
  const seen = new Set<string>();
  const explorer = new Explorer();
  const primary = new FilteredContext(
    ctx,
    (f) => {
      seen.add(findingKey(f));
      return f;
    },
    'pass',
  );
  const hook = (s: JoblibStats): ReturnType<typeof joblibAfterBuild> => joblibAfterBuild({ limits: ctx.limits, policy, stats: s, decisions: explorer });
  const main = readers();
  const result = analyzePickleStream(src, 0, src.size, primary, { policy, afterBuild: hook(stats), readerFor: main.make });
  for (const f of main.made.flatMap((r) => r.shortFrames)) {
    ctx.report({
      rule: PICKLE_RULES.malformed.id,
      severity: 'suspicious',
      message: `FRAME at offset ${f.pos} declares ${f.declared} bytes, only ${f.left} left: pickle.load fails here, joblib's unpickler reads on (analysed as it does)`,
      location: { offset: f.pos },
    });
  }
  const alternative = (label: string): FilteredContext =>
    new FilteredContext(
      ctx,
      (f) => {
        if (f.severity !== 'malicious' || seen.has(findingKey(f))) return undefined;
        seen.add(findingKey(f));
        return { ...f, message: `if ${label}: ${f.message}` };
      },
      'drop',
    );
  let replays = 0;
  for (let next = explorer.queue.shift(); next !== undefined; next = explorer.queue.shift()) {
    if (++replays > MAX_JOBLIB_REPLAYS) {
      ctx.report({
        rule: 'engine/limit',
        severity: 'unscannable',
        message: `more than ${MAX_JOBLIB_REPLAYS} readings of joblib arrays are possible; the rest were not analysed`,
      });
      break;
    }
    explorer.start(next);
    const scratch: JoblibStats = { arrays: 0, objectArrays: 0, dataBytes: 0 };
    analyzePickleStream(src, 0, src.size, alternative(`joblib reads it so (${next.label})`), { policy, afterBuild: hook(scratch), readerFor: readers().make });
  }
  if (stats.arrays > 0) {
    // pickle.load knows nothing of joblib: the array bytes are opcodes to it.
    analyzePickleStream(src, 0, src.size, alternative('the file is loaded with pickle.load, which reads the array bytes as opcodes'), { policy, single: true });
  }
  return result;
}
