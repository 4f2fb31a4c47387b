/**
 * The vault watcher: follows a training run's checkpoint folder and
 * archives every complete checkpoint into the vault folder (see
 * archive.ts for the crash-safety protocol and complete.ts for the
 * completeness rules).
 *
 * It reacts to `fs.watch` events and also rescans every `intervalMs`
 * (fs.watch misses events on some file systems and across renames). Items
 * are archived one at a time. With `once`, it archives what is complete
 * now and returns. One watcher per vault: a `vault.lock` file holds the
 * owner's pid (a lock whose pid is dead is taken over).
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fail } from './errors.js';
import { archiveCandidate, deletePlaintext, recover, type ArchiveContext } from './archive.js';
import { completeCandidates, type Candidate, type CompletenessRules } from './complete.js';
import { loadManifest, saveManifest, type Manifest } from './manifest.js';
import { pruneVerified, type RetentionPolicy } from './retention.js';

export interface WatchOptions extends Omit<ArchiveContext, 'markerSuffix'> {
  readonly rules: CompletenessRules;
  readonly once: boolean;
  readonly intervalMs: number;
  readonly retention: RetentionPolicy;
  /** Stops a long-running watcher (after the item in progress). */
  readonly signal?: AbortSignal;
}

export interface WatchResult {
  readonly archived: number;
  readonly pruned: number;
}

const LOCK = 'vault.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the vault's lock (one writer per vault); returns its release. */
export async function takeLock(vaultDir: string): Promise<() => Promise<void>> {
  const path = join(vaultDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const h = await open(path, 'wx', 0o600);
      await h.writeFile(`${process.pid}\n`);
      await h.close();
      return () => unlink(path).catch(() => undefined);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw fail('E_VAULT_STATE', `vault is in use by process ${pid} (${path})`);
      await unlink(path).catch(() => undefined); // stale: its owner died
    }
  }
  throw fail('E_VAULT_STATE', `cannot take ${path}`);
}

/** Drops settled entries whose ciphertext is gone (deleted by hand or by an interrupted prune). */
async function reconcileMissing(ctx: ArchiveContext, m: Manifest): Promise<void> {
  const keep = [];
  for (const e of m.entries) {
    const there = await stat(join(ctx.vaultDir, e.file)).then(
      () => true,
      () => false,
    );
    if (there || e.state === 'pending') keep.push(e);
    else ctx.log(`journal entry ${e.file} has no file; dropped`);
  }
  if (keep.length !== m.entries.length) {
    m.entries = keep;
    await saveManifest(ctx.vaultDir, m);
  }
}

async function prune(opts: WatchOptions, m: Manifest): Promise<number> {
  const { prune: gone, damaged } = await pruneVerified(opts.vaultDir, m, opts.retention);
  for (const d of damaged) opts.log(`${d.entry.file} is ${d.health}: ${d.why}; kept out of retention, nothing relies on it`);
  for (const e of gone) opts.log(`pruned ${e.file}`);
  return gone.length;
}

/** Runs the watcher (or one pass with `once`). */
export async function runVault(opts: WatchOptions): Promise<WatchResult> {
  const watchDir = resolve(opts.watchDir);
  const vaultDir = resolve(opts.vaultDir);
  if (watchDir === vaultDir) throw fail('E_USAGE', 'the vault folder must differ from the watched folder');
  const st = await stat(watchDir).catch(() => undefined);
  if (st?.isDirectory() !== true) throw fail('E_USAGE', `${watchDir} is not a folder`);
  await mkdir(vaultDir, { recursive: true, mode: 0o700 });
  const release = await takeLock(vaultDir);
  const ctx: ArchiveContext = { ...opts, watchDir, vaultDir, markerSuffix: opts.rules.markerSuffix };
  let archived = 0;
  let pruned = 0;
  try {
    const m = await loadManifest(vaultDir);
    await recover(ctx, m);
    await reconcileMissing(ctx, m);
    /** Fingerprints seen at the previous scan (daemon mode needs two equal scans). */
    const previous = new Map<string, string>();

    const pass = async (): Promise<void> => {
      const ready = await completeCandidates(watchDir, opts.rules);
      const errors: unknown[] = [];
      for (const c of ready) {
        if (opts.signal?.aborted === true) return;
        if (c.path === vaultDir) continue;
        const done = m.entries.find((e) => e.source === c.name && e.fingerprint === c.fingerprint);
        if (done !== undefined) {
          if (opts.deletePlaintext && done.state === 'verified') await deletePlaintext(ctx, m, done);
          continue;
        }
        if (!opts.once && !c.marker && previous.get(c.name) !== c.fingerprint) continue;
        try {
          if (await archiveOne(ctx, m, c)) archived++;
        } catch (e) {
          // One bad checkpoint must not stop the others; it is retried next pass.
          opts.log(`${c.name}: ${(e as Error).message}`);
          errors.push(e);
        }
      }
      previous.clear();
      for (const c of ready) previous.set(c.name, c.fingerprint);
      pruned += await prune(opts, m);
      if (errors.length > 0) throw errors[0];
    };

    await pass();
    if (opts.once) return { archived, pruned };

    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    let queued = false;
    const schedule = (delay: number): void => {
      if (timer !== undefined || opts.signal?.aborted === true) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (queued) return;
        queued = true;
        running = running.then(async () => {
          queued = false;
          await pass();
        });
        running.catch((e: unknown) => {
          opts.log(`scan failed: ${(e as Error).message}`);
        });
      }, delay);
    };
    let watcher: FSWatcher | undefined;
    try {
      watcher = fsWatch(watchDir, () => {
        schedule(Math.min(500, opts.intervalMs));
      });
    } catch {
      opts.log('fs.watch unavailable; relying on periodic rescans');
    }
    const interval = setInterval(() => {
      schedule(0);
    }, opts.intervalMs);
    await new Promise<void>((done) => {
      if (opts.signal?.aborted === true) {
        done();
        return;
      }
      opts.signal?.addEventListener(
        'abort',
        () => {
          done();
        },
        { once: true },
      );
    });
    clearInterval(interval);
    if (timer !== undefined) clearTimeout(timer);
    watcher?.close();
    await running.catch(() => undefined);
    return { archived, pruned };
  } finally {
    await release();
  }
}

async function archiveOne(ctx: ArchiveContext, m: Manifest, c: Candidate): Promise<boolean> {
  try {
    return (await archiveCandidate(ctx, m, c)) !== undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      ctx.log(`${c.name} disappeared while being archived; skipped`);
      return false;
    }
    throw e;
  }
}
