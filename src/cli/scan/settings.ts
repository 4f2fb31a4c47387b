/**
 * `.modelguard.toml`: a project's scan settings, found by walking up from the
 * working directory (the first one found wins; none is fine). Command-line
 * options override it. Unknown keys are errors, so a typo never silently
 * loosens a gate.
 *
 *   profile = "torch"                 # a built-in profile (default: auto)
 *   fail-on = "malicious"             # suspicious (default) or malicious
 *   unknown-as = "unscannable"        # or clean
 *   allowlist = ["policy/ours.toml"]  # allowlist files, relative to this file
 *   include = ["**\/*.pt"]            # globs over report paths
 *   exclude = ["examples/", "*.txt"]
 *
 *   [[allow]]                         # inline allowlist entries, as in an allowlist file
 *   name = "mylab.models.Net"
 *   uses = ["new", "build"]
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ModelguardError } from '../../errors.js';
import { isProfileId, PROFILE_IDS, type ProfileId } from '../../python-globals/profiles.js';
import type { AllowEntry } from '../../python-globals/types.js';

export const SETTINGS_FILE = '.modelguard.toml';

/** A settings file is configuration, not data (CWE-400). */
const MAX_SETTINGS_BYTES = 256 * 1024;

export interface Settings {
  /** The file the settings came from. */
  file: string;
  profile?: ProfileId;
  failOn?: 'suspicious' | 'malicious';
  unknownAs?: 'clean' | 'unscannable';
  /** Absolute paths of allowlist files. */
  allowlist: string[];
  include: string[];
  exclude: string[];
  allow: AllowEntry[];
}

const KEYS = new Set(['profile', 'fail-on', 'unknown-as', 'allowlist', 'include', 'exclude', 'allow']);

/** The nearest `.modelguard.toml` at or above `cwd`, or undefined. */
export function findSettings(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const f = join(dir, SETTINGS_FILE);
    if (existsSync(f)) return f;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function bad(file: string, message: string): ModelguardError {
  return new ModelguardError('E_USAGE', `${file}: ${message}`);
}

function stringList(file: string, key: string, v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) throw bad(file, `'${key}' must be a list of strings`);
  return v;
}

export async function loadSettings(file: string): Promise<Settings> {
  let text: string;
  try {
    if (statSync(file).size > MAX_SETTINGS_BYTES) throw bad(file, `larger than ${MAX_SETTINGS_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ModelguardError) throw e;
    throw new ModelguardError('E_IO', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  const { parse } = await import('smol-toml');
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (e) {
    throw bad(file, `not valid TOML: ${(e as Error).message}`);
  }
  for (const k of Object.keys(doc)) if (!KEYS.has(k)) throw bad(file, `unknown key '${k}' (known: ${[...KEYS].join(', ')})`);
  const out: Settings = { file, allowlist: [], include: [], exclude: [], allow: [] };
  const profile = doc['profile'];
  if (profile !== undefined) {
    if (typeof profile !== 'string') throw bad(file, "'profile' must be a string");
    if (profile !== 'auto') {
      if (!isProfileId(profile)) throw bad(file, `unknown profile '${profile}' (known: auto, ${PROFILE_IDS.join(', ')})`);
      out.profile = profile;
    }
  }
  const failOn = doc['fail-on'];
  if (failOn !== undefined) {
    if (failOn !== 'suspicious' && failOn !== 'malicious') throw bad(file, '\'fail-on\' must be "suspicious" or "malicious"');
    out.failOn = failOn;
  }
  const unknownAs = doc['unknown-as'];
  if (unknownAs !== undefined) {
    if (unknownAs !== 'clean' && unknownAs !== 'unscannable') throw bad(file, '\'unknown-as\' must be "unscannable" or "clean"');
    out.unknownAs = unknownAs;
  }
  if (doc['allowlist'] !== undefined) out.allowlist = stringList(file, 'allowlist', doc['allowlist']).map((p) => resolve(dirname(file), p));
  if (doc['include'] !== undefined) out.include = stringList(file, 'include', doc['include']);
  if (doc['exclude'] !== undefined) out.exclude = stringList(file, 'exclude', doc['exclude']);
  if (doc['allow'] !== undefined) {
    // The same checks as an allowlist file (names, uses, unknown keys).
    const { parseAllowlist } = await import('../../python-globals/allowlist-file.js');
    out.allow = parseAllowlist(JSON.stringify({ allow: doc['allow'] }), `${file} [[allow]]`).allow;
  }
  return out;
}
