/**
 * Scanning a Hugging Face hub cache (`~/.cache/huggingface/hub`):
 *
 *   models--org--name/
 *     blobs/<sha>                the files' bytes, once each
 *     refs/main                  a commit hash per branch or tag
 *     snapshots/<commit>/...     the repository's tree: symlinks into blobs/
 *     .no_exist/<commit>/...     names the Hub said do not exist (empty; never read)
 *   .locks/                      download locks (never read)
 *
 * Files are reported per repository and revision (`org/name@<commit>/path`;
 * datasets and spaces prefixed `datasets/`, `spaces/`), each blob scanned
 * once however many revisions share it. Symlinks are followed only into the
 * repository's own `blobs/` (or real files inside its snapshot): a link that
 * leads elsewhere is reported, not opened.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve, sep } from 'node:path';
import { ModelguardError } from '../errors.js';
import type { FileReport, RepositorySummary, ScanReport } from '../findings/report.js';
import { worst, type Verdict } from '../findings/verdict.js';
import { checkProfileId } from '../python-globals/profiles.js';
import { buildReport, scanItems, type DirectoryScanOptions } from './directory.js';
import { walk, type WalkItem } from './walk.js';

/** Largest ref file read: a ref holds one 40-hex commit hash (CWE-400). */
const MAX_REF_BYTES = 256;
/** Refs read per repository (CWE-400 on a hostile cache). */
const MAX_REFS = 10_000;

const REPO_DIR = /^(models|datasets|spaces)--(.+)$/;
const TYPE = { models: 'model', datasets: 'dataset', spaces: 'space' } as const;

export interface HfCacheOptions extends DirectoryScanOptions {
  /** Only this repository (`org/name`; datasets as `datasets/org/name`). */
  repo?: string;
  /** Only this revision: a commit hash (or its prefix) or a ref name such as `main`. */
  revision?: string;
}

/** The hub cache in use: `$HF_HUB_CACHE`, `$HF_HOME/hub`, `$XDG_CACHE_HOME/huggingface/hub` or `~/.cache/huggingface/hub`. */
export function defaultHfCache(env: NodeJS.ProcessEnv = process.env): string {
  const hub = env['HF_HUB_CACHE'] ?? env['HUGGINGFACE_HUB_CACHE'];
  if (hub !== undefined && hub !== '') return hub;
  if (env['HF_HOME'] !== undefined && env['HF_HOME'] !== '') return join(env['HF_HOME'], 'hub');
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'huggingface', 'hub');
}

/** Whether `dir` is a hub cache (holds `models--*` folders) or one repository folder of one. */
export function looksLikeHfCache(dir: string): boolean {
  try {
    if (REPO_DIR.test(basename(dir)) && existsSync(join(dir, 'snapshots'))) return true;
    return readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && REPO_DIR.test(e.name) && existsSync(join(dir, e.name, 'snapshots')));
  } catch {
    return false;
  }
}

interface Repo {
  dir: string;
  id: string;
  type: RepositorySummary['type'];
  /** How report paths start: `org/name`, `datasets/org/name`. */
  label: string;
}

function repoOf(dir: string): Repo | undefined {
  const m = REPO_DIR.exec(basename(dir));
  if (m === null) return undefined;
  const kind = m[1] as keyof typeof TYPE;
  const id = (m[2] as string).split('--').join('/');
  return { dir, id, type: TYPE[kind], label: kind === 'models' ? id : `${kind}/${id}` };
}

function listRepos(dir: string): Repo[] {
  const self = repoOf(dir);
  if (self !== undefined) return [self];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new ModelguardError('E_IO', `cannot read ${dir}: ${(e as Error).message}`, { cause: e });
  }
  return names.map((n) => repoOf(join(dir, n))).filter((r): r is Repo => r !== undefined && isDir(join(r.dir, 'snapshots')));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** commit hash → the ref names (`main`, `pr/1`) pointing at it. */
function readRefs(repoDir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let count = 0;
  const visit = (dir: string, prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++count > MAX_REFS) return;
      const p = join(dir, e.name);
      if (e.isDirectory()) visit(p, `${prefix}${e.name}/`);
      else if (e.isFile() && statSync(p).size <= MAX_REF_BYTES) {
        const commit = readFileSync(p, 'utf8').trim();
        if (!/^[0-9a-f]{7,64}$/.test(commit)) continue;
        out.set(commit, [...(out.get(commit) ?? []), `${prefix}${e.name}`].sort());
      }
    }
  };
  visit(join(repoDir, 'refs'), '');
  return out;
}

function inside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent + sep);
}

/** A report under another name (the path, and every finding's file that named it). */
function renamed(r: FileReport, path: string): FileReport {
  return { ...r, path, findings: r.findings.map((f) => (f.location.file === r.path ? { ...f, location: { ...f.location, file: path } } : f)) };
}

export async function scanHfCache(dirs: readonly string[], options: HfCacheOptions = {}): Promise<ScanReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  if (options.profile !== undefined) checkProfileId(options.profile);
  const cwd = options.cwd ?? '.';
  const roots = dirs.length === 0 ? [defaultHfCache()] : dirs.map((d) => resolve(cwd, d));
  // What to scan (each real file once) and, per repository revision, what it holds.
  const unique = new Map<string, number>();
  const items: WalkItem[] = [];
  const revisions: { repo: Repo; revision: string; refs: string[]; files: { display: string; item: number }[] }[] = [];
  for (const root of roots) {
    if (!isDir(root)) throw new ModelguardError('E_IO', `${root} is not a directory (expected a Hugging Face hub cache)`);
    const repos = listRepos(root).filter((r) => options.repo === undefined || r.label === options.repo);
    for (const repo of repos) {
      const refs = readRefs(repo.dir);
      const blobs = safeRealpath(join(repo.dir, 'blobs'));
      for (const rev of readdirSync(join(repo.dir, 'snapshots')).sort()) {
        const snap = join(repo.dir, 'snapshots', rev);
        if (!isDir(snap)) continue;
        const refNames = refs.get(rev) ?? [];
        if (options.revision !== undefined && !rev.startsWith(options.revision) && !refNames.includes(options.revision)) continue;
        const realSnap = safeRealpath(snap);
        const files: { display: string; item: number }[] = [];
        for (const it of walk(snap)) {
          const display = `${repo.label}@${rev}/${it.display}`;
          const real = it.problem === undefined ? safeRealpath(typeof it.path === 'string' ? it.path : it.path.toString()) : undefined;
          if (options.filter !== undefined && !options.filter(display)) continue;
          if (real === undefined || !((blobs !== undefined && inside(blobs, real)) || (realSnap !== undefined && inside(realSnap, real)))) {
            const problem = it.problem ?? "a link that leaves the repository's cache folder; not followed";
            files.push({ display, item: items.push({ path: it.path, display, problem }) - 1 });
            continue;
          }
          let k = unique.get(real);
          if (k === undefined) {
            k = items.push({ path: real, display }) - 1;
            unique.set(real, k);
          }
          files.push({ display, item: k });
        }
        revisions.push({ repo, revision: rev, refs: refNames, files });
      }
    }
  }
  if (options.repo !== undefined && revisions.length === 0) {
    throw new ModelguardError('E_IO', `${options.repo}${options.revision === undefined ? '' : `@${options.revision}`} is not in ${roots.join(', ')}`);
  }
  const scanned = await scanItems(items, options);
  const files: FileReport[] = [];
  const repositories: RepositorySummary[] = [];
  for (const r of revisions) {
    let verdict: Verdict = 'clean';
    for (const f of r.files) {
      const rep = scanned[f.item];
      if (rep === undefined) continue;
      const named = rep.path === f.display ? rep : renamed(rep, f.display);
      files.push(named);
      verdict = worst(verdict, named.verdict);
    }
    repositories.push({ id: r.repo.id, type: r.repo.type, revision: r.revision, refs: r.refs, verdict, files: r.files.map((f) => f.display) });
  }
  const report = buildReport(files, options.profile ?? 'auto', startedAt, performance.now() - t0);
  return { ...report, repositories };
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
