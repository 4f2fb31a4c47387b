/**
 * User allowlist files (JSON or TOML) that extend a profile.
 *
 *   # modelguard-allowlist.toml
 *   profile = "torch"            # optional: the profile to extend
 *   [[allow]]
 *   name = "mylab.models.**.{Class}"
 *   uses = ["new", "build", "arg"]
 *   why = "our own model classes, reviewed"
 *
 * The JSON form is the same object. A bare string in `allow` means a class
 * rebuilt through the object protocol (`new`, `build`, `arg`). Entries can
 * never allow what the denylist names.
 */
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { ModelguardError } from '../errors.js';
import { isProfileId, PROFILE_IDS, type ProfileId } from './profiles.js';
import { USES, type AllowEntry, type Use } from './types.js';

export interface AllowlistFile {
  profile: ProfileId | undefined;
  allow: AllowEntry[];
}

/** Largest allowlist file read (a policy, not data). */
const MAX_FILE_BYTES = 1 << 20;

function bad(path: string, message: string): ModelguardError {
  return new ModelguardError('E_POLICY', `${path}: ${message}`);
}

export function parseAllowlist(text: string, path: string): AllowlistFile {
  let doc: unknown;
  try {
    doc = /\.toml$/i.test(path) ? parseToml(text) : JSON.parse(text);
  } catch (e) {
    throw bad(path, `not valid ${/\.toml$/i.test(path) ? 'TOML' : 'JSON'}: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad(path, 'expected an object/table');
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'profile' && k !== 'allow') throw bad(path, `unknown key '${k}'`);
  const profile = o['profile'];
  if (profile !== undefined && (typeof profile !== 'string' || !isProfileId(profile))) {
    throw bad(path, `profile must be one of ${PROFILE_IDS.join(', ')}`);
  }
  const list = o['allow'] ?? [];
  if (!Array.isArray(list)) throw bad(path, "'allow' must be a list");
  const allow = list.map((item, i): AllowEntry => {
    if (typeof item === 'string') return entry(item, ['new', 'build', 'arg'], 'user allowlist', path, i);
    if (typeof item !== 'object' || item === null) throw bad(path, `allow[${i}] must be a string or an object`);
    const { name, uses, why, ...rest } = item as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw bad(path, `allow[${i}]: unknown key '${Object.keys(rest)[0] ?? ''}'`);
    if (typeof name !== 'string') throw bad(path, `allow[${i}].name must be a string`);
    const u = uses ?? ['new', 'build', 'arg'];
    if (!Array.isArray(u) || !u.every((x): x is Use => typeof x === 'string' && (USES as readonly string[]).includes(x))) {
      throw bad(path, `allow[${i}].uses must be a list of ${USES.join('/')}`);
    }
    if (why !== undefined && typeof why !== 'string') throw bad(path, `allow[${i}].why must be a string`);
    return entry(name, u, why ?? 'user allowlist', path, i);
  });
  return { profile: typeof profile === 'string' && isProfileId(profile) ? profile : undefined, allow };
}

function entry(name: string, uses: Use[], why: string, path: string, i: number): AllowEntry {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|\*|\*\*|\{Class\}|\{func\}))+$/.test(name)) {
    throw bad(path, `allow[${i}]: '${name}' is not a qualified name or pattern (module.name, module.*, module.**.{Class})`);
  }
  if (/^[^.]+\.\*\*?$/.test(name)) {
    throw bad(path, `allow[${i}]: '${name}' allows a whole top-level package; name the module or use {Class}`);
  }
  return { name, uses, why: `${why} (${path})` };
}

export function loadAllowlist(path: string): AllowlistFile {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_FILE_BYTES) throw bad(path, `larger than ${MAX_FILE_BYTES} bytes`);
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof ModelguardError) throw e;
    throw new ModelguardError('E_IO', `cannot read allowlist ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseAllowlist(text, path);
}
