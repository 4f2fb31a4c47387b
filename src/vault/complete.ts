/**
 * Which entries of a training run's checkpoint folder are complete.
 *
 * Rules, in order (documented in the README):
 * 1. Ignored, never archived: hidden names (`.x`), temporary names
 *    (`*.tmp`, `*.temp`, `*.partial`, `*.part`, `*.incomplete`, `*.lock`,
 *    `*.swp`, `*~`, `tmp-*`: Hugging Face writes `tmp-checkpoint-N` and
 *    renames it), marker files (`*.done`), and metric sidecars
 *    (`<name>.json` next to a candidate `<name>` or `<stem>.<ext>`).
 * 2. Candidates: regular files at the top level, and folders whose name
 *    starts with `checkpoint`, `global_step`, `epoch` or `step` (or every
 *    folder with `allDirs`). A folder is archived as one tar.
 * 3. A candidate with a marker `<name>.done` is complete immediately.
 * 4. Otherwise it is complete when nothing in it changed for `settleMs`
 *    (newest mtime), and (on Linux, best effort) no process has one of its
 *    files open for writing (checked through /proc/<pid>/fd and fdinfo; only
 *    processes we may inspect are seen). A rename into place from an
 *    ignored temp name makes a file appear whole, so it settles normally.
 * The watcher also requires the fingerprint (sizes, mtimes, inodes) to be
 * unchanged between its scan and the end of encryption, else it retries.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readlink, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listTree } from '../containers/tar/writer.js';

export interface CompletenessRules {
  /** Quiet period after the newest modification. */
  readonly settleMs: number;
  /** Suffix of marker files that declare a candidate complete. */
  readonly markerSuffix: string;
  /** Check /proc for processes holding a candidate's files open for writing. */
  readonly checkWriters: boolean;
  /** Archive every folder, not only checkpoint-like names. */
  readonly allDirs: boolean;
}

export const DEFAULT_RULES: CompletenessRules = { settleMs: 5000, markerSuffix: '.done', checkWriters: true, allDirs: false };

export interface Candidate {
  readonly name: string;
  readonly path: string;
  readonly kind: 'file' | 'dir';
  /** Sizes, mtimes and inodes of everything in it, hashed. */
  readonly fingerprint: string;
  readonly bytes: number;
  readonly newestMtimeMs: number;
  readonly marker: boolean;
  readonly files: readonly string[];
}

const TEMP = /(\.(tmp|temp|partial|part|incomplete|lock|swp)|~)$/i;
const CHECKPOINT_DIR = /^(checkpoint|global_step|epoch|step)/i;

export function isIgnoredName(name: string, markerSuffix = DEFAULT_RULES.markerSuffix): boolean {
  return name.startsWith('.') || name.startsWith('tmp-') || TEMP.test(name) || name.endsWith(markerSuffix);
}

/** Describes one candidate; `undefined` if it vanished meanwhile. */
export async function describeCandidate(dir: string, name: string, markerSuffix: string): Promise<Candidate | undefined> {
  const path = join(dir, name);
  try {
    const st = await lstat(path);
    const marker = await lstat(`${path}${markerSuffix}`).then(
      () => true,
      () => false,
    );
    if (st.isFile()) {
      return {
        name,
        path,
        kind: 'file',
        fingerprint: `${st.size}:${st.mtimeMs}:${st.ino}`,
        bytes: st.size,
        newestMtimeMs: st.mtimeMs,
        marker,
        files: [path],
      };
    }
    if (!st.isDirectory()) return undefined;
    const { entries } = await listTree(path, name);
    const h = createHash('sha256');
    let bytes = 0;
    let newest = st.mtimeMs;
    const files: string[] = [];
    for (const e of entries) {
      h.update(`${e.name}\0${e.size}\0${e.mtimeMs}\n`);
      bytes += e.size;
      newest = Math.max(newest, e.mtimeMs);
      if (e.type === 'file') files.push(e.path);
    }
    return { name, path, kind: 'dir', fingerprint: h.digest('hex'), bytes, newestMtimeMs: newest, marker, files };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Lists the candidates of `dir` (not yet judged complete). */
export async function listCandidates(dir: string, rules: CompletenessRules): Promise<Candidate[]> {
  const names = (await readdir(dir)).sort();
  const set = new Set(names);
  const out: Candidate[] = [];
  for (const name of names) {
    if (isIgnoredName(name, rules.markerSuffix)) continue;
    if (name.endsWith('.json')) {
      const base = name.slice(0, -5);
      if (set.has(base) || names.some((n) => n !== name && n.startsWith(`${base}.`) && !n.endsWith('.json'))) continue;
    }
    const c = await describeCandidate(dir, name, rules.markerSuffix);
    if (c === undefined) continue;
    if (c.kind === 'dir' && !rules.allDirs && !CHECKPOINT_DIR.test(name)) continue;
    out.push(c);
  }
  return out;
}

/**
 * Paths among `paths` that some other process holds open for writing
 * (Linux /proc; empty elsewhere or when /proc is not readable).
 */
export async function openForWriting(paths: ReadonlySet<string>): Promise<Set<string>> {
  const busy = new Set<string>();
  if (paths.size === 0 || process.platform !== 'linux') return busy;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return busy;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // not ours to inspect, or gone
    }
    for (const fd of fds) {
      try {
        const target = await readlink(`/proc/${pid}/fd/${fd}`);
        if (!paths.has(target)) continue;
        const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
        const flags = /flags:\s*([0-7]+)/.exec(info)?.[1];
        // O_ACCMODE: 0 read-only, 1 write-only, 2 read-write.
        if (flags === undefined || (parseInt(flags, 8) & 3) !== 0) busy.add(target);
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return busy;
}

/** The candidates that are complete now, per the rules above. */
export async function completeCandidates(dir: string, rules: CompletenessRules, now = Date.now()): Promise<Candidate[]> {
  const all = await listCandidates(dir, rules);
  const settled = all.filter((c) => c.marker || now - c.newestMtimeMs >= rules.settleMs);
  if (!rules.checkWriters) return settled;
  const busy = await openForWriting(new Set(settled.flatMap((c) => c.files)));
  return settled.filter((c) => c.files.every((f) => !busy.has(f)));
}
