/**
 * The commands in front of the backend: `prlimit` sets the rlimits (Node
 * cannot setrlimit a child), `setpriv` drops to uid/gid 65534 when we run as
 * root, so the sandbox is not root on the host even outside its namespaces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { SandboxError } from './errors.js';
import type { SandboxLimits } from './limits.js';
import { findTool } from './backend/which.js';
import type { BackendId } from './backend/types.js';

/** The unprivileged identity the sandbox runs as (nobody/nogroup on Debian). */
export const SANDBOX_UID = 65534;

/**
 * Tasks (processes and threads) a uid owns now: RLIMIT_NPROC counts them all,
 * so the limit is this plus the sandbox's allowance.
 */
export function tasksOf(uid: number): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'latin1');
      const u = /^Uid:\s+(\d+)/m.exec(status);
      const t = /^Threads:\s+(\d+)/m.exec(status);
      if (u !== null && Number(u[1]) === uid) n += t === null ? 1 : Number(t[1]);
    } catch {
      // the process ended while we looked
    }
  }
  return n;
}

export function wrapperArgv(limits: SandboxLimits, backend: BackendId, uid: number = process.getuid?.() ?? -1): string[] {
  const prlimit = findTool('prlimit');
  if (prlimit === undefined) throw new SandboxError('E_SANDBOX_UNAVAILABLE', 'prlimit (util-linux) is needed to set the sandbox rlimits');
  if (uid === 0 && backend === 'firejail') {
    // firejail runs its sandbox as the calling user and refuses system uids
    // such as 65534 (it checks /etc/login.defs): as root it would run the model as root.
    throw new SandboxError(
      'E_SANDBOX_UNAVAILABLE',
      'firejail would run the model as root: run modelguard as an unprivileged user to use firejail, or use bwrap',
    );
  }
  // runsc sets up its own sandbox as root; the others run as 65534 when we are root.
  const drop = uid === 0 && backend !== 'runsc';
  const nproc = tasksOf(drop ? SANDBOX_UID : uid) + limits.processes;
  const out = [
    prlimit,
    `--as=${limits.memoryBytes}`,
    `--nproc=${nproc}`,
    `--fsize=${limits.fileSizeBytes}`,
    `--cpu=${limits.cpuSeconds}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
    '--',
  ];
  if (drop) {
    const setpriv = findTool('setpriv');
    if (setpriv === undefined) throw new SandboxError('E_SANDBOX_UNAVAILABLE', 'setpriv (util-linux) is needed to drop root before sandboxing');
    out.push(setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--');
  }
  return out;
}
