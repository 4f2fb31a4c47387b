/**
 * `modelguard vault`: the encrypted checkpoint vault.
 *   vault watch <dir>   follow a training run and encrypt complete checkpoints
 *   vault prune <vault> apply retention (with --dry-run to only print)
 *   vault list <vault>  show the journal, with copies that are gone or resized
 *   vault verify <vault> check every copy against its recorded SHA-256
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fail } from '../../vault/errors.js';
import { DEFAULT_RULES } from '../../vault/complete.js';
import { loadManifest } from '../../vault/manifest.js';
import { checkCopies } from '../../vault/integrity.js';
import { parseKeepBest, parseKeepEvery, pruneVerified, type RetentionPolicy } from '../../vault/retention.js';
import { runVault, takeLock } from '../../vault/watch.js';
import { handleSignalsHere } from '../../files/temp.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../command.js';
import { loadRecipients, recipientOptions, makePool, resolvePath, withVerifyExit } from './age-common.js';

const RETENTION_OPTIONS = {
  'keep-last': { type: 'string' },
  'keep-every': { type: 'string' },
  'keep-best': { type: 'string' },
} as const;

function retentionFrom(values: { 'keep-last'?: string | undefined; 'keep-every'?: string | undefined; 'keep-best'?: string | undefined }): RetentionPolicy {
  const p: { -readonly [K in keyof RetentionPolicy]: RetentionPolicy[K] } = {};
  if (values['keep-last'] !== undefined) {
    if (!/^[1-9]\d*$/.test(values['keep-last'])) throw fail('E_USAGE', '--keep-last wants a positive integer');
    p.keepLast = Number(values['keep-last']);
  }
  if (values['keep-every'] !== undefined) Object.assign(p, parseKeepEvery(values['keep-every']));
  if (values['keep-best'] !== undefined) p.keepBest = parseKeepBest(values['keep-best']);
  return p;
}

function ms(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw fail('E_USAGE', `${name} wants milliseconds`);
  return Number(v);
}

const HELP = `Usage:
  modelguard vault watch <dir> (-r RECIPIENT | -R FILE)... [--vault DIR] [options]
  modelguard vault prune <vault-dir> [--keep-last N] [--keep-every K] [--keep-best M] [--dry-run]
  modelguard vault list <vault-dir>
  modelguard vault verify <vault-dir>

watch: follows a training run's checkpoint folder <dir> and encrypts every
complete checkpoint into the vault (default: <dir>.vault). Files become
<name>.age, checkpoint folders (checkpoint-N/, global_stepN/, ...) one
<name>.tar.age. Each copy is fsynced and decrypt-verified before its final
name appears; plaintext is removed only after that, and only when asked.

  -r, --recipient R        age1... recipient (repeatable)
  -R, --recipients-file F  recipients file (repeatable)
  --vault DIR              vault folder (default <dir>.vault)
  --once                   archive what is complete now, then exit
  --delete-plaintext       remove plaintext after its copy is verified
  --no-overwrite           unlink plaintext without overwriting it first
  --settle MS              quiet time before a file counts as complete (${DEFAULT_RULES.settleMs})
  --marker SUFFIX          marker that declares <name> complete (${DEFAULT_RULES.markerSuffix})
  --interval MS            rescan period of the long-running watcher (2000)
  --all-dirs               archive every folder, not only checkpoint-like ones
  --no-writer-check        do not look for writers in /proc

Retention (watch and prune; without any rule nothing is pruned, and the
newest intact copy is always kept). Before anything is deleted every copy is
checked against the size and SHA-256 recorded when it was verified; damaged
copies (missing, truncated, altered) are reported, never counted as the copy
kept, and never deleted:
  --keep-last N            keep the N most recent copies
  --keep-every K           keep steps that are multiples of K, or one copy per
                           duration window (30m, 6h, 1d)
  --keep-best M[:min|max][:N]
                           keep the N best by metric M (from the name or a
                           sidecar JSON; min for losses, else max)
  --dry-run                (prune) print what would be removed, remove nothing

list: the journal, one copy a line (file, state, plaintext bytes, step, time,
metrics); a copy whose file is gone or has another size than recorded is
shown as missing or corrupt (list reads no contents: verify does).
verify: hashes every copy and compares it with the journal.

Exit 0 on success, 1 if a copy failed verification or is damaged, 2 on usage
or I/O error.
`;

async function watchCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...recipientOptions(),
      vault: { type: 'string' },
      once: { type: 'boolean' },
      'delete-plaintext': { type: 'boolean' },
      'no-overwrite': { type: 'boolean' },
      settle: { type: 'string' },
      marker: { type: 'string' },
      interval: { type: 'string' },
      'all-dirs': { type: 'boolean' },
      'no-writer-check': { type: 'boolean' },
      ...RETENTION_OPTIONS,
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw fail('E_USAGE', 'vault watch needs exactly one folder');
  const dir = resolvePath(io, positionals[0] as string);
  const recipients = loadRecipients(values.recipient ?? [], values['recipients-file'] ?? [], io);
  if (recipients.length === 0) throw fail('E_USAGE', 'give -r RECIPIENT or -R FILE');
  const abort = new AbortController();
  const stop = (): void => {
    abort.abort();
  };
  // Stop gracefully (the item being archived finishes or is rolled back) on every signal, not just the first;
  // the temporary-file guard must not kill the process in the middle of that.
  const release = handleSignalsHere(['SIGINT', 'SIGTERM']);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const pool = makePool(io);
  try {
    const r = await runVault({
      watchDir: dir,
      vaultDir: values.vault === undefined ? `${dir.replace(/\/+$/, '')}.vault` : resolvePath(io, values.vault),
      recipients,
      pool,
      deletePlaintext: values['delete-plaintext'] === true,
      overwrite: values['no-overwrite'] !== true,
      rules: {
        settleMs: ms(values.settle, '--settle', DEFAULT_RULES.settleMs),
        markerSuffix: values.marker ?? DEFAULT_RULES.markerSuffix,
        checkWriters: values['no-writer-check'] !== true,
        allDirs: values['all-dirs'] === true,
      },
      once: values.once === true,
      intervalMs: Math.max(100, ms(values.interval, '--interval', 2000)),
      retention: retentionFrom(values),
      signal: abort.signal,
      log: (line) => io.stderr.write(`vault: ${line}\n`),
    });
    io.stderr.write(`vault: ${r.archived} archived, ${r.pruned} pruned\n`);
    return EXIT_OK;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    release();
    await pool?.close();
  }
}

async function pruneCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...RETENTION_OPTIONS, 'dry-run': { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw fail('E_USAGE', 'vault prune needs the vault folder');
  const vaultDir = resolvePath(io, positionals[0] as string);
  const policy = retentionFrom(values);
  // A running watcher owns the journal: prune only when it is not running.
  const release = values['dry-run'] === true ? () => Promise.resolve() : await takeLock(vaultDir);
  try {
    const m = await loadManifest(vaultDir);
    const dryRun = values['dry-run'] === true;
    const { keep, prune, damaged } = await pruneVerified(vaultDir, m, policy, dryRun);
    for (const k of keep) io.stdout.write(`keep   ${k.entry.file}  (${k.reasons.join(', ')})\n`);
    for (const e of prune) io.stdout.write(`${dryRun ? 'would prune' : 'prune'}  ${e.file}\n`);
    for (const d of damaged) io.stdout.write(`${d.health}  ${d.entry.file}  (${d.why}; left in place, not counted as a kept copy)\n`);
    return damaged.length > 0 ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    await release();
  }
}

async function listCmd(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseArgs({ args: argv, options: {}, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw fail('E_USAGE', 'vault list needs the vault folder');
  const dir = resolvePath(io, positionals[0] as string);
  const m = await loadManifest(dir);
  for (const e of m.entries) {
    const metrics = Object.entries(e.metrics)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const st = await stat(join(dir, e.file)).catch(() => undefined);
    const health = e.state === 'pending' ? '' : st === undefined ? ' (missing)' : st.size !== e.ciphertextBytes ? ' (corrupt: size)' : '';
    io.stdout.write(`${e.file}\t${e.state}${health}\t${e.plaintextBytes}\t${e.step ?? '-'}\t${e.archivedAt}\t${metrics}\n`);
  }
  return EXIT_OK;
}

async function verifyCmd(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseArgs({ args: argv, options: {}, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw fail('E_USAGE', 'vault verify needs the vault folder');
  const dir = resolvePath(io, positionals[0] as string);
  const m = await loadManifest(dir);
  const checks = await checkCopies(
    dir,
    m.entries.filter((e) => e.state !== 'pending'),
  );
  let bad = 0;
  for (const [e, c] of checks) {
    if (c.health !== 'intact') bad++;
    io.stdout.write(`${c.health}\t${e.file}${c.why === undefined ? '' : `\t${c.why}`}\n`);
  }
  io.stdout.write(`${checks.size - bad} intact, ${bad} damaged\n`);
  return bad > 0 ? EXIT_FINDINGS : EXIT_OK;
}

export const vault: Command = {
  name: 'vault',
  summary: 'encrypted checkpoint vault: watch a training run, prune old copies',
  help: HELP,
  run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'watch':
        return withVerifyExit('vault', io, () => watchCmd(rest, io));
      case 'prune':
        return pruneCmd(rest, io);
      case 'list':
        return listCmd(rest, io);
      case 'verify':
        return verifyCmd(rest, io);
      default:
        io.stderr.write(HELP);
        return Promise.resolve(EXIT_USAGE);
    }
  },
};
