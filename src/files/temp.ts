/**
 * The one way modelguard creates a temporary file: beside its target (same
 * file system, so the final rename is atomic), created with
 * `O_CREAT|O_EXCL|O_NOFOLLOW` and mode 0600 (a symlink or file planted at the
 * name is never followed nor reused; plaintext is never world-readable while
 * it is written), renamed into place when complete, and removed on error and
 * on SIGINT/SIGTERM.
 *
 * Every live temporary name is registered here; while any is registered, a
 * SIGINT/SIGTERM handler unlinks them all and re-raises the signal, so the
 * process still dies by the signal (status 128+n) with nothing left behind.
 * No handler is installed while no temporary file exists, and a program
 * that handles the signal itself (the vault daemon, the registry) says so
 * with `handleSignalsHere` and is left to finish or remove its files.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelguardError } from '../errors.js';

const live = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;
const owners = new Map<NodeJS.Signals, number>();

/**
 * Declares that the caller stops gracefully on `signals` itself and removes
 * its own temporary files; returns the function that withdraws the claim.
 * An explicit claim, not a count of the signal's listeners: a
 * `process.once` listener is removed before it runs, so a count taken
 * during the signal sees none, and the process would kill itself in the
 * middle of its graceful stop (a flaky vault daemon test showed it).
 */
export function handleSignalsHere(signals: readonly NodeJS.Signals[]): () => void {
  for (const s of signals) owners.set(s, (owners.get(s) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const s of signals) owners.set(s, (owners.get(s) ?? 1) - 1);
  };
}

function onSignal(signal: NodeJS.Signals): void {
  // A program that stops gracefully on this signal finishes or removes its files itself.
  if ((owners.get(signal) ?? 0) > 0) return;
  removeAllTemps();
  uninstall();
  // Die by the signal, as without a handler (the shell then shows 128+n).
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', removeAllTemps);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.removeListener('exit', removeAllTemps);
}

/** Unlinks every registered temporary file (best effort); used by the signal handler and on exit. */
export function removeAllTemps(): void {
  for (const p of live) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      // best effort: the process is ending
    }
  }
  live.clear();
}

/** Registers `path` for removal on SIGINT/SIGTERM until `forgetTemp`. */
export function trackTemp(path: string): void {
  live.add(path);
  install();
}

/** Stops tracking `path` (it was renamed into place or removed). */
export function forgetTemp(path: string): void {
  live.delete(path);
  if (live.size === 0) uninstall();
}

/** Paths currently tracked (for tests). */
export function liveTemps(): readonly string[] {
  return [...live];
}

/** A fresh, unpredictable temp name beside `target`. */
export function tempNameFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Flags of every temporary file: write-only, must not exist, never through a symlink. */
export const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * The process umask, read without changing it: `process.umask()` would
 * write it twice (a race between threads), so it comes from
 * /proc/self/status; 022 where that is unavailable.
 */
function currentUmask(): number {
  try {
    const m = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    return m?.[1] === undefined ? 0o022 : parseInt(m[1], 8);
  } catch {
    return 0o022;
  }
}

/** `mode` as a file created with it would get it (the umask applied). */
export function finalMode(mode: number): number {
  return mode & ~currentUmask() & 0o7777;
}

/**
 * Creates a temporary file beside `target` (mode 0600, exclusive, no
 * symlink followed; write-only unless `readWrite`) and tracks it; returns
 * its path and descriptor.
 */
export function createTempSync(target: string, readWrite = false): { path: string; fd: number } {
  const flags = readWrite ? (TEMP_FLAGS & ~constants.O_WRONLY) | constants.O_RDWR : TEMP_FLAGS;
  for (let attempt = 0; ; attempt++) {
    const path = tempNameFor(target);
    try {
      const fd = openSync(path, flags, 0o600);
      trackTemp(path);
      return { path, fd };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 8) continue;
      throw new ModelguardError('E_IO', `cannot create a temporary file beside ${target}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** Removes a temporary file and forgets it (idempotent). */
export function discardTempSync(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
  forgetTemp(path);
}

/** fsyncs a directory (best effort where directories cannot be opened). */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // platforms that refuse fsync on directories: the file itself was flushed
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `data` to `target` through a temporary file: exclusive 0600
 * create, full write, chmod to `mode` (umask applied), fsync unless
 * `durable` is false, rename, fsync the directory. On error the temporary
 * file is removed and `target` untouched.
 */
export function writeFileAtomicSync(target: string, data: string | Uint8Array, mode = 0o644, durable = true): void {
  const { path, fd } = createTempSync(target);
  let open = true;
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let done = 0; done < buf.length;) done += writeSync(fd, buf, done, buf.length - done);
    fchmodSync(fd, finalMode(mode));
    if (durable) fsyncSync(fd);
    closeSync(fd);
    open = false;
    renameSync(path, target);
    forgetTemp(path);
  } catch (e) {
    if (open) closeSync(fd);
    discardTempSync(path);
    if (e instanceof ModelguardError) throw e;
    throw new ModelguardError('E_IO', `cannot write ${target}: ${(e as Error).message}`, { cause: e });
  }
  if (durable) fsyncDirSync(dirname(target));
}

/**
 * Refuses an output that is the input (same path, or the same file through
 * a link): writing it would destroy the input before it is read.
 */
export function refuseSameFile(input: string, output: string, what = 'output'): void {
  if (resolve(input) === resolve(output)) throw new ModelguardError('E_USAGE', `the ${what} ${output} is the input; choose another name`);
  let a;
  let b;
  try {
    a = statSync(input);
    b = statSync(output);
  } catch {
    return; // one of them does not exist: not the same file
  }
  if (a.dev === b.dev && a.ino === b.ino) throw new ModelguardError('E_USAGE', `the ${what} ${output} is the input (same file); choose another name`);
}
