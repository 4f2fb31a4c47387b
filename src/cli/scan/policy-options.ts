/**
 * The scan policy of one `modelguard scan` run, from the command line over
 * `.modelguard.toml` (command-line options win; allowlists add up).
 */
import { resolve } from 'node:path';
import { ModelguardError } from '../../errors.js';
import { checkProfileId, type ProfileId } from '../../python-globals/profiles.js';
import type { AllowEntry } from '../../python-globals/types.js';
import { findSettings, loadSettings, type Settings } from './settings.js';

export interface PolicyFlags {
  profile: string | undefined;
  failOn: string | undefined;
  unknownAs: string | undefined;
  allowlist: string[];
  include: string[];
  exclude: string[];
  config: string | undefined;
  noConfig: boolean;
}

export interface ScanPolicy {
  profile: ProfileId | undefined;
  failOn: 'suspicious' | 'malicious';
  unknownAs: 'clean' | 'unscannable';
  allow: AllowEntry[];
  include: string[];
  exclude: string[];
  /** The settings file read, if any. */
  settingsFile: string | undefined;
  /** Allowlist entries the denylist overrides (they do nothing). */
  warnings: string[];
}

export async function scanPolicy(flags: PolicyFlags, cwd: string): Promise<ScanPolicy> {
  const file = flags.noConfig ? undefined : flags.config !== undefined ? resolve(cwd, flags.config) : findSettings(cwd);
  const settings: Settings | undefined = file === undefined ? undefined : await loadSettings(file);
  const failOn = flags.failOn ?? settings?.failOn ?? 'suspicious';
  if (failOn !== 'suspicious' && failOn !== 'malicious') {
    throw new ModelguardError('E_USAGE', `--fail-on must be suspicious or malicious, not '${failOn}'`);
  }
  const unknownAs = flags.unknownAs ?? settings?.unknownAs ?? 'unscannable';
  if (unknownAs !== 'clean' && unknownAs !== 'unscannable') {
    throw new ModelguardError('E_USAGE', `--unknown-as must be unscannable or clean, not '${unknownAs}'`);
  }
  let profile: ProfileId | undefined = flags.profile === undefined ? settings?.profile : flags.profile === 'auto' ? undefined : checkProfileId(flags.profile);
  const allow: AllowEntry[] = [...(settings?.allow ?? [])];
  const files = [...(settings?.allowlist ?? []), ...flags.allowlist.map((f) => resolve(cwd, f))];
  if (files.length > 0) {
    // Loaded only when asked for: most scans need no TOML parser.
    const { loadAllowlist } = await import('../../python-globals/allowlist-file.js');
    for (const f of files) {
      const a = loadAllowlist(f);
      allow.push(...a.allow);
      if (profile === undefined && flags.profile === undefined && a.profile !== undefined) profile = a.profile;
    }
  }
  const warnings: string[] = [];
  if (allow.length > 0) {
    const { deniedAllowEntries } = await import('../../python-globals/allow-check.js');
    for (const d of deniedAllowEntries(allow)) warnings.push(`allowlist entry '${d.name}' has no effect: the denylist keeps it (${d.why})`);
  }
  return {
    profile,
    failOn,
    unknownAs,
    allow,
    include: [...(settings?.include ?? []), ...flags.include],
    exclude: [...(settings?.exclude ?? []), ...flags.exclude],
    settingsFile: file,
    warnings,
  };
}
