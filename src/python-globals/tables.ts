/**
 * The generated name tables (`generated/tables.ts`), decoded lazily.
 *
 * The tables are a few compact strings (format in
 * scripts/python-globals/emit.py); importing them costs one string per
 * table. The module list is split on first use, a module's block of names
 * is parsed the first time a name in it is looked up (its sink entries
 * included), so a scan that meets three modules decodes three blocks.
 */
import { CATEGORIES, MODULES, NAMES } from './generated/tables.js';

/** What a name is in its module: kinds defined there, and canonical aliases. */
export interface NameEntry {
  /** Definition kinds: `f` function, `c` class, `v` value, `n` native, `?` unknown. */
  readonly kinds: string;
  /** Canonical targets of an alias (`os.system`); a module target is marked by `module: true`. */
  readonly targets: readonly Target[];
}

export interface Target {
  /** The module the target is in (or is, when `rest` is empty). */
  readonly module: string;
  /** Attribute path inside the module (`Popen.wait`), empty for the module itself. */
  readonly rest: string;
  /** The target is only known this far: what it denotes beyond is not in the tables. */
  readonly unknown: boolean;
}

/** A callable from which a call chain reaches a sink. */
export interface SinkEntry {
  readonly category: string;
  /** The next hop of one such chain, as a dotted name (empty when the entry is the sink itself). */
  readonly next: string;
}

/** How a sink is reached from a name: calling it, instantiating the class with arguments, or giving an instance state. */
export type SinkHow = 'call' | 'new' | 'build';

interface ModuleRow {
  readonly flags: string;
}

let modules: string[] | undefined;
let moduleIndex: Map<string, number> | undefined;
let moduleRows: ModuleRow[] | undefined;
let blocks: Map<number, [number, number]> | undefined;
const parsedBlocks = new Map<number, Map<string, string>>();

function loadModules(): { list: string[]; index: Map<string, number>; rows: ModuleRow[] } {
  if (modules === undefined || moduleIndex === undefined || moduleRows === undefined) {
    const list: string[] = [];
    const rows: ModuleRow[] = [];
    for (const line of MODULES.split('\n')) {
      const colon = line.indexOf(':');
      list.push(colon < 0 ? line : line.slice(0, colon));
      rows.push({ flags: colon < 0 ? '' : line.slice(colon + 1) });
    }
    modules = list;
    moduleRows = rows;
    moduleIndex = new Map(list.map((m, i) => [m, i]));
  }
  return { list: modules, index: moduleIndex, rows: moduleRows };
}

function moduleRef(name: string): string {
  const i = loadModules().index.get(name);
  return i === undefined ? `'${name}?` : `#${i.toString(36)}`;
}

function moduleAt(ref: string): string | undefined {
  return loadModules().list[parseInt(ref, 36)];
}

/** Decodes `#1a.rest?` / `'raw.name?` into a target. */
function decodeTarget(text: string): Target {
  const unknown = text.endsWith('?');
  const t = unknown ? text.slice(0, -1) : text;
  if (t.startsWith('#')) {
    const dot = t.indexOf('.');
    const ref = dot < 0 ? t.slice(1) : t.slice(1, dot);
    const module = moduleAt(ref) ?? '';
    return { module, rest: dot < 0 ? '' : t.slice(dot + 1), unknown };
  }
  const raw = t.startsWith("'") ? t.slice(1) : t;
  return { module: raw, rest: '', unknown: true };
}

/** Dotted form of a target (`os.system`). */
export function targetName(t: Target): string {
  return t.rest === '' ? t.module : `${t.module}.${t.rest}`;
}

function block(mod: number): Map<string, string> {
  let map = parsedBlocks.get(mod);
  if (map !== undefined) return map;
  if (blocks === undefined) {
    blocks = new Map();
    let start = 0;
    while (start < NAMES.length) {
      const nl = NAMES.indexOf('\n', start);
      const headerEnd = nl < 0 ? NAMES.length : nl;
      const next = NAMES.indexOf('\n@', headerEnd);
      const end = next < 0 ? NAMES.length : next;
      blocks.set(parseInt(NAMES.slice(start + 1, headerEnd), 36), [headerEnd + 1, end]);
      start = end + 1;
    }
  }
  map = new Map();
  const span = blocks.get(mod);
  if (span !== undefined) {
    for (const line of NAMES.slice(span[0], span[1]).split('\n')) {
      if (line.startsWith('+ ')) {
        // `import os`: the name is the module of that name.
        for (const m of line.slice(2).split(' ')) map.set(m, `=${moduleRef(m)}`);
        continue;
      }
      const sp = line.indexOf(' ');
      if (sp <= 0) continue;
      const key = line.slice(0, sp);
      if (key.endsWith('.*')) {
        // `Class.* f:fit,predict c:Inner`: a class's members by kind.
        const owner = key.slice(0, -1);
        for (const group of line.slice(sp + 1).split(' ')) {
          const kind = group.slice(0, 1);
          for (const member of group.slice(2).split(',')) {
            const k = owner + member;
            const prev = map.get(k);
            map.set(k, prev === undefined ? kind : `${prev} ${kind}`);
          }
        }
        continue;
      }
      map.set(key, line.slice(sp + 1));
    }
  }
  parsedBlocks.set(mod, map);
  return map;
}

/** Whether the tables know this module (read from source, a stub or a binary). */
export function isTrackedModule(name: string): boolean {
  return loadModules().index.has(name);
}

/** Module flags: `p` package, `n` native, `o` names created at run time, `f` every definition listed. */
export function moduleFlags(name: string): string | undefined {
  const m = loadModules();
  const i = m.index.get(name);
  return i === undefined ? undefined : m.rows[i]?.flags;
}

/** What `qual` (a name or `Class.member`) is in `module`, if the tables say. */
export function nameEntry(module: string, qual: string): NameEntry | undefined {
  const i = loadModules().index.get(module);
  if (i === undefined) return undefined;
  const code = block(i).get(qual);
  if (code === undefined) return undefined;
  let kinds = '';
  const targets: Target[] = [];
  for (const part of code.split(' ')) {
    if (part.startsWith('=')) targets.push(decodeTarget(part.slice(1)));
    else kinds += part;
  }
  return { kinds, targets };
}

/** The bases of a class defined in `module` (canonical targets), or undefined when it is not a known class. */
export function classBases(module: string, qual: string): Target[] | undefined {
  const i = loadModules().index.get(module);
  if (i === undefined) return undefined;
  const code = block(i).get(`${qual}^`);
  if (code === undefined) return undefined;
  return code === '' ? [] : code.split(',').map(decodeTarget);
}

/** `pkg.mod.name` -> [module index, `name`] (longest known module prefix), as the tables file it. */
function splitName(name: string): [number, string] | undefined {
  const m = loadModules();
  let dot = name.length;
  while (dot > 0) {
    const i = m.index.get(name.slice(0, dot));
    if (i !== undefined) return [i, name.slice(dot + 1)];
    dot = name.lastIndexOf('.', dot - 1);
  }
  return undefined;
}

/** The sink entry of a canonical name for a way of using it, if the generated table lists one. */
export function sinkEntry(name: string, how: SinkHow): SinkEntry | undefined {
  const at = splitName(name);
  if (at === undefined || at[1] === '') return undefined;
  const rest = block(at[0]).get(how === 'call' ? `!${at[1]}` : `!${at[1]}!${how}`);
  if (rest === undefined) return undefined;
  const sp = rest.indexOf(' ');
  const next = rest.slice(sp + 1);
  return { category: CATEGORIES[Number(rest.slice(0, sp))] ?? 'reaches a sink', next: next === '-' ? '' : targetName(decodeTarget(next)) };
}
