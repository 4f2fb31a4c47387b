/**
 * bubblewrap (the default): new user, pid, ipc, uts, mount, network and
 * (where possible) cgroup namespaces; a root of only the system folders,
 * read-only; private size-capped tmpfs on /tmp and /dev/shm; uid/gid 65534;
 * no capabilities; no further user namespaces; an empty environment; a new
 * session (no TIOCSTI into the caller's terminal); killed with its parent;
 * the project's seccomp program applied just before the interpreter starts.
 *
 * Nothing of the host's /etc, /home, /root, /var, /run or /work is visible:
 * only the loader's needs (the dynamic linker cache, Debian's alternatives
 * symlinks for BLAS).
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { BOOTSTRAP_PATH, SANDBOX_FD, type SandboxBackend, type SandboxPlan } from './types.js';
import { findTool } from './which.js';

const SYSTEM_ROOTS = ['/usr', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'];
const ETC_NEEDED = ['/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/alternatives', '/etc/localtime'];

/** Merged-/usr systems have /bin -> usr/bin: recreate the symlink rather than binding twice. */
export function systemBinds(roots: readonly string[] = SYSTEM_ROOTS): string[] {
  const out: string[] = [];
  for (const p of roots) {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) out.push('--symlink', readlinkSync(p), p);
    else if (st.isDirectory()) out.push('--ro-bind', p, p);
  }
  for (const p of ETC_NEEDED) out.push('--ro-bind-try', p, p);
  return out;
}

export const bwrapBackend: SandboxBackend = {
  id: 'bwrap',
  isolation: 'bubblewrap: user/pid/ipc/uts/mount/net namespaces, read-only system root, private tmpfs, uid 65534, no capabilities, seccomp',
  usesSeccompFd: true,
  scriptOnStdin: false,
  locate: () => findTool('bwrap'),
  command(tool: string, plan: SandboxPlan): string[] {
    const tmpfs = plan.limits.tmpfsBytes;
    return [
      tool,
      '--unshare-user',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--unshare-net',
      '--unshare-cgroup-try',
      '--disable-userns',
      '--uid',
      '65534',
      '--gid',
      '65534',
      '--hostname',
      'sandbox',
      '--die-with-parent',
      '--new-session',
      '--clearenv',
      '--cap-drop',
      'ALL',
      ...systemBinds(),
      ...plan.extraReadOnly.flatMap((p) => ['--ro-bind', p, p]),
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--size',
      String(tmpfs),
      '--tmpfs',
      '/tmp',
      '--size',
      String(Math.max(1 << 20, Math.floor(tmpfs / 4))),
      '--tmpfs',
      '/dev/shm',
      '--remount-ro',
      '/dev',
      '--ro-bind-data',
      String(SANDBOX_FD.bootstrap),
      BOOTSTRAP_PATH,
      ...(plan.modelDir === undefined ? ['--dir', '/in'] : ['--ro-bind', plan.modelDir, '/in']),
      '--remount-ro',
      '/',
      '--chdir',
      '/tmp',
      '--seccomp',
      String(SANDBOX_FD.seccomp),
      '--',
      plan.python,
      '-I',
      '-B',
      BOOTSTRAP_PATH,
      plan.config,
    ];
  },
};
