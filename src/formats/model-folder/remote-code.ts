/**
 * The Python modules an `auto_map` points at, and the sibling modules they
 * import (`from .utils import x`), read with the Python analyser
 * (`src/python/`): what each imports and calls, and whether code that
 * runs while transformers loads them reaches a sink of the policy's tables
 * (process, eval, import by name, deserialiser of carried bytes, file
 * write, network). Which code runs at load is `python/load-phase.ts`: the
 * top level of the modules imported, and the methods transformers and
 * Python call while building the config, model, tokenizer or processor
 * (and whatever those mention). What only a later call runs (a tokenizer's
 * `save_vocabulary` writing its vocabulary, an image fetcher, an ffmpeg
 * audio reader) is listed, not condemned: the folder stays `suspicious`
 * for its remote code either way.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { analyseModule, type CodeFinding } from '../../python/analyse.js';
import { ESCAPE_ATTRS } from '../../python/builtins.js';
import { isPyReadError } from '../../python/errors.js';
import { type ConfigValues, loadPhases, relativeImports } from '../../python/load-phase.js';
import { hasFunctionTypeComments } from '../../python/own-code.js';
import { parseModule } from '../../python/parser.js';
import type { Module } from '../../python/ast.js';
import { Policy } from '../../python-globals/policy.js';
import { getProfile } from '../../python-globals/profiles.js';

/** Bytes of one remote-code module read (modeling files are tens of KiB; CWE-400). */
const MAX_MODULE_BYTES = 4 * 1024 * 1024;
/** Modules read per config, auto_map targets and their siblings together (MPT-style repositories have about a dozen; CWE-400). */
export const MAX_REMOTE_MODULES = 32;
/** Names listed per module in a message. */
const MAX_LISTED = 12;
/** Later-call sinks listed per module. */
const MAX_LATER = 4;

export interface RemoteModule {
  file: string;
  /** One line: what the module imports and calls, what runs only later, or why it could not be read. */
  summary: string;
  /** At load: sinks reached (malicious), or why it is unreadable (suspicious). */
  findings: CodeFinding[];
  /** Sinks only a later call reaches (`save_vocabulary` writing a file): listed in the summary, not a verdict. */
  later: CodeFinding[];
}

let policy: Policy | undefined;

interface Read {
  file: string;
  src: string;
  mod: Module;
}

/**
 * Reads `entries` (paths inside the folder at `dir`, as the auto_map or
 * another loader's config names them) and the sibling modules they import,
 * at most MAX_REMOTE_MODULES in all; `has(path)` says whether the folder
 * holds a file; `roots` are the methods that loader calls at load beyond
 * transformers' own (`python/load-phase.ts`).
 */
export function analyseRemoteModules(
  dir: string,
  entries: readonly string[],
  has: (path: string) => boolean,
  config: ConfigValues = {},
  roots?: ReadonlySet<string>,
): RemoteModule[] {
  policy ??= new Policy(getProfile('default'));
  const out: RemoteModule[] = [];
  const read: Read[] = [];
  const index = new Map<string, number>();
  const queue = [...entries];
  const queued = new Set(queue);
  while (queue.length > 0 && read.length + out.length < MAX_REMOTE_MODULES) {
    const file = queue.shift() as string;
    const r = readModule(join(dir, file));
    if (typeof r === 'string') {
      out.push(unreadable(file, r));
      continue;
    }
    index.set(file, read.length);
    read.push({ file, src: r.src, mod: r.mod });
    for (const rel of relativeImports(r.mod)) {
      const sib = sibling(file, rel);
      if (!queued.has(sib) && has(sib)) {
        queued.add(sib);
        queue.push(sib);
      }
    }
  }
  const entrySet = new Set(entries);
  const phases = loadPhases(
    read.map((r) => r.mod),
    read.map((r) => entrySet.has(r.file)),
    (from, rel) => index.get(sibling((read[from] as Read).file, rel)),
    config,
    roots,
  );
  read.forEach((r, i) => {
    try {
      const a = analyseModule(r.mod, { policy: policy as Policy, strict: false, typeComments: hasFunctionTypeComments(r.src) });
      const dead = phases.dead[i] ?? [];
      const atLoad = (f: CodeFinding): boolean =>
        ESCAPE_ATTRS.has(f.call.slice(1)) ||
        (phases.modules.has(i) && (f.def === undefined || phases.defs.has(f.def)) && !dead.some(([lo, hi]) => f.line >= lo && f.line <= hi));
      const now = a.findings.filter(atLoad).sort((x, y) => x.line - y.line);
      const later = a.findings.filter((f) => !atLoad(f) && f.severity === 'malicious').sort((x, y) => x.line - y.line);
      const list = (xs: Iterable<string>): string => {
        const all = [...xs].sort();
        return all.length === 0 ? 'nothing' : `${all.slice(0, MAX_LISTED).join(', ')}${all.length > MAX_LISTED ? ', …' : ''}`;
      };
      const role = entrySet.has(r.file) ? '' : phases.modules.has(i) ? ' (imported at load)' : ' (imported only by a later call)';
      const notes =
        later.length === 0
          ? ''
          : `; not run at load: ${later
              .slice(0, MAX_LATER)
              .map((f) => `${f.in ?? 'module level'} (line ${f.line}) ${f.why}`)
              .join('; ')}${later.length > MAX_LATER ? '; …' : ''}`;
      const summary = `${r.file}${role} imports ${list(a.imports)}; calls ${list(a.calls.keys())}${a.unknown.size > 0 ? `; names the tables do not know: ${list(a.unknown.keys())}` : ''}${notes}`;
      out.push({ file: r.file, summary, findings: now, later });
    } catch (e) {
      if (!isPyReadError(e)) throw e;
      out.push(unreadable(r.file, e.message));
    }
  });
  return out;
}

/** `from .rel import` in `file`: the path of the sibling module (`rel` may be dotted: `sub.mod` is `sub/mod.py`). */
function sibling(file: string, rel: string): string {
  const base = dirname(file);
  const path = `${rel.replace(/\./g, '/')}.py`;
  return base === '.' ? path : posix.join(base, path);
}

function readModule(path: string): { src: string; mod: Module } | string {
  try {
    const size = statSync(path).size;
    if (size > MAX_MODULE_BYTES) return `${size} bytes, over the ${MAX_MODULE_BYTES}-byte limit`;
    const src = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
    return { src, mod: parseModule(src) };
  } catch (e) {
    if (isPyReadError(e)) return e.message;
    if (e instanceof TypeError) return 'not UTF-8 text';
    if (e instanceof Error && 'code' in e) return e.message; // file system errors
    throw e;
  }
}

function unreadable(file: string, why: string): RemoteModule {
  return {
    file,
    summary: `${file} could not be read as Python: ${why}`,
    findings: [{ severity: 'suspicious', line: 0, call: file, why: `not analysed: ${why}` }],
    later: [],
  };
}
