/**
 * The seccomp filter every detonation runs under, assembled here (no
 * libseccomp, no external compiler) and handed to bwrap as raw
 * `struct sock_filter[]` through `--seccomp FD`.
 *
 * Shape (seccomp_data: nr at 0, arch at 4, args[i] at 16 + 8*i):
 *   1. arch != the expected AUDIT_ARCH  -> kill the process (a syscall made
 *      through another ABI, e.g. int 0x80 on x86_64, has other numbers);
 *   2. x86_64 only: x32 numbers (bit 30)  -> kill;
 *   3. a denied call                      -> EPERM;
 *   4. socket(domain != AF_UNIX)          -> EPERM;
 *   5. anything else                      -> allow.
 * EPERM rather than a kill for denied calls: the evidence then shows the
 * loader or payload getting an error, and the run goes on to report it.
 */
import { Assembler, encodeFilter, type SockFilter } from './bpf.js';
import { AF_UNIX, AUDIT_ARCH, DENIED_SYSCALLS, SOCKET_SYSCALL, X32_SYSCALL_BIT, type FilterArch } from './syscalls.js';

/** seccomp return actions (linux/seccomp.h). */
export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  ERRNO: 0x00050000,
  ALLOW: 0x7fff0000,
} as const;

export const EPERM = 1;

/** Offsets in `struct seccomp_data`. */
export const SECCOMP_DATA = { nr: 0, arch: 4, arg0Low: 16 } as const;

export function buildFilter(arch: FilterArch): SockFilter[] {
  const a = new Assembler();
  a.loadWord(SECCOMP_DATA.arch).jumpIfEqual(AUDIT_ARCH[arch], 'next', 'kill');
  a.loadWord(SECCOMP_DATA.nr);
  if (arch === 'x86_64') a.jumpIfAtLeast(X32_SYSCALL_BIT, 'kill', 'next');
  for (const call of DENIED_SYSCALLS) a.jumpIfEqual(call[arch], 'deny', 'next');
  a.jumpIfEqual(SOCKET_SYSCALL[arch], 'socket', 'next');
  a.ret(SECCOMP_RET.ALLOW);
  // socket(domain, ...): the domain is an int, so its low 32 bits decide
  // (little-endian: the low word of args[0] is at offset 16).
  a.label('socket').loadWord(SECCOMP_DATA.arg0Low).jumpIfEqual(AF_UNIX, 'allow', 'deny');
  a.label('allow').ret(SECCOMP_RET.ALLOW);
  a.label('deny').ret(SECCOMP_RET.ERRNO | EPERM);
  a.label('kill').ret(SECCOMP_RET.KILL_PROCESS);
  return a.assemble();
}

/** The filter as bytes for `bwrap --seccomp FD`. */
export function filterBytes(arch: FilterArch): Uint8Array {
  return encodeFilter(buildFilter(arch));
}
