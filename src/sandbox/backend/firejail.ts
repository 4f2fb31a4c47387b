/**
 * firejail, where installed: a network namespace with no interface, a user
 * namespace (`--noroot`), all capabilities dropped, no_new_privs, firejail's
 * own seccomp filter extended with the project's deny list (by name: firejail
 * compiles its own filters and takes no BPF from us), sockets other than
 * AF_UNIX refused (`--protocol=unix`), private /tmp, /dev and home, a minimal
 * /etc, the rest of the host read-only. Weaker than bwrap: host folders other
 * than /etc, /home, /root and /tmp stay visible (read-only, to the caller's
 * uid). firejail sandboxes as the calling user, so it is refused when
 * modelguard runs as root (`wrapper.ts`).
 */
import { DENIED_SYSCALLS } from '../seccomp/syscalls.js';
import { SANDBOX_FD, type SandboxBackend, type SandboxPlan } from './types.js';
import { findTool } from './which.js';

export const firejailBackend: SandboxBackend = {
  id: 'firejail',
  isolation: 'firejail: user/net namespaces, no capabilities, seccomp deny list by name, AF_UNIX only, private /tmp /dev /home, host read-only',
  usesSeccompFd: false,
  // firejail refuses arguments over 4 KiB (MAX_ARG_LEN): the bootstrap is bigger.
  scriptOnStdin: true,
  locate: () => findTool('firejail'),
  command(tool: string, plan: SandboxPlan): string[] {
    return [
      tool,
      '--quiet',
      '--noprofile',
      '--noroot',
      '--net=none',
      '--caps.drop=all',
      '--nonewprivs',
      '--nogroups',
      '--nosound',
      '--no3d',
      `--seccomp=${DENIED_SYSCALLS.map((c) => c.name).join(',')}`,
      '--seccomp-error-action=EPERM',
      '--protocol=unix',
      '--private',
      '--private-tmp',
      '--private-dev',
      '--private-etc=ld.so.cache,ld.so.conf,ld.so.conf.d,alternatives,localtime',
      '--read-only=/',
      '--hostname=sandbox',
      `--keep-fd=${SANDBOX_FD.evidence},${SANDBOX_FD.key},${SANDBOX_FD.model}`,
      ...(plan.modelDir === undefined ? [] : [`--whitelist=${plan.modelDir}`]),
      '--',
      '/usr/bin/env',
      '-i',
      plan.python,
      '-I',
      '-B',
      '-',
    ];
  },
};
