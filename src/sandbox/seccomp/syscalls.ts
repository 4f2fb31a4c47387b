/**
 * What the detonation filter denies, with each system call's number on the
 * two architectures we build filters for. Numbers from the kernel's uapi
 * headers: arch/x86/entry/syscalls/syscall_64.tbl and
 * include/uapi/asm-generic/unistd.h (aarch64). A table: one row per call,
 * with the reason a model loader never needs it.
 */

/** `AUDIT_ARCH_*` values (linux/audit.h) found in `seccomp_data.arch`. */
export const AUDIT_ARCH = {
  x86_64: 0xc000003e,
  aarch64: 0xc00000b7,
} as const;

export type FilterArch = keyof typeof AUDIT_ARCH;

/**
 * x32 system calls arrive with AUDIT_ARCH_X86_64 and this bit set in the
 * number: a filter that only compares numbers would let `x32 ptrace` through.
 */
export const X32_SYSCALL_BIT = 0x40000000;

export interface DeniedCall {
  readonly name: string;
  readonly x86_64: number;
  readonly aarch64: number;
  readonly why: string;
}

export const DENIED_SYSCALLS: readonly DeniedCall[] = [
  { name: 'ptrace', x86_64: 101, aarch64: 117, why: 'debugging another process: reading its memory, injecting code' },
  { name: 'process_vm_readv', x86_64: 310, aarch64: 270, why: 'reads another process memory (ptrace by another name)' },
  { name: 'process_vm_writev', x86_64: 311, aarch64: 271, why: 'writes another process memory' },
  { name: 'mount', x86_64: 165, aarch64: 40, why: 'changing the sandbox file system view' },
  { name: 'umount2', x86_64: 166, aarch64: 39, why: 'uncovering what the sandbox hid' },
  { name: 'pivot_root', x86_64: 155, aarch64: 41, why: 'changing the root' },
  { name: 'chroot', x86_64: 161, aarch64: 51, why: 'changing the root' },
  { name: 'open_tree', x86_64: 428, aarch64: 428, why: 'new mount API (mount by another name)' },
  { name: 'move_mount', x86_64: 429, aarch64: 429, why: 'new mount API' },
  { name: 'fsopen', x86_64: 430, aarch64: 430, why: 'new mount API' },
  { name: 'fsconfig', x86_64: 431, aarch64: 431, why: 'new mount API' },
  { name: 'fsmount', x86_64: 432, aarch64: 432, why: 'new mount API' },
  { name: 'fspick', x86_64: 433, aarch64: 433, why: 'new mount API' },
  { name: 'mount_setattr', x86_64: 442, aarch64: 442, why: 'new mount API (making read-only mounts writable)' },
  { name: 'unshare', x86_64: 272, aarch64: 97, why: 'new namespaces: the usual first step of kernel exploits' },
  { name: 'setns', x86_64: 308, aarch64: 268, why: 'joining other namespaces' },
  { name: 'kexec_load', x86_64: 246, aarch64: 104, why: 'loading a new kernel' },
  { name: 'kexec_file_load', x86_64: 320, aarch64: 294, why: 'loading a new kernel' },
  { name: 'init_module', x86_64: 175, aarch64: 105, why: 'loading kernel code' },
  { name: 'finit_module', x86_64: 313, aarch64: 273, why: 'loading kernel code' },
  { name: 'delete_module', x86_64: 176, aarch64: 106, why: 'unloading kernel code' },
  { name: 'bpf', x86_64: 321, aarch64: 280, why: 'eBPF programs: a large kernel attack surface' },
  { name: 'perf_event_open', x86_64: 298, aarch64: 241, why: 'perf events: side channels and a history of kernel bugs' },
  { name: 'keyctl', x86_64: 250, aarch64: 219, why: 'kernel keyrings are not namespaced: keys of the host user' },
  { name: 'add_key', x86_64: 248, aarch64: 217, why: 'kernel keyrings are not namespaced' },
  { name: 'request_key', x86_64: 249, aarch64: 218, why: 'kernel keyrings are not namespaced' },
  { name: 'userfaultfd', x86_64: 323, aarch64: 282, why: 'stalls kernel copies: a building block of kernel exploits' },
  { name: 'io_uring_setup', x86_64: 425, aarch64: 425, why: 'io_uring performs socket and file operations without the system calls this filter checks' },
  { name: 'io_uring_enter', x86_64: 426, aarch64: 426, why: 'io_uring' },
  { name: 'io_uring_register', x86_64: 427, aarch64: 427, why: 'io_uring' },
  { name: 'open_by_handle_at', x86_64: 304, aarch64: 265, why: 'opens files by handle, around the mount namespace (the Shocker escape)' },
  { name: 'name_to_handle_at', x86_64: 303, aarch64: 264, why: 'file handles (see open_by_handle_at)' },
  { name: 'swapon', x86_64: 167, aarch64: 224, why: 'host administration' },
  { name: 'swapoff', x86_64: 168, aarch64: 225, why: 'host administration' },
  { name: 'reboot', x86_64: 169, aarch64: 142, why: 'host administration' },
  { name: 'acct', x86_64: 163, aarch64: 89, why: 'host administration' },
  { name: 'quotactl', x86_64: 179, aarch64: 60, why: 'host administration' },
  { name: 'syslog', x86_64: 103, aarch64: 116, why: 'reads the kernel log (addresses for exploits)' },
  { name: 'settimeofday', x86_64: 164, aarch64: 170, why: 'host clock' },
  { name: 'clock_settime', x86_64: 227, aarch64: 112, why: 'host clock' },
  { name: 'adjtimex', x86_64: 159, aarch64: 171, why: 'host clock' },
  { name: 'clock_adjtime', x86_64: 305, aarch64: 266, why: 'host clock' },
];

/** `socket(2)`: allowed only for AF_UNIX (the first argument). */
export const SOCKET_SYSCALL: Readonly<Record<FilterArch, number>> = { x86_64: 41, aarch64: 198 };

export const AF_UNIX = 1;

/** The filter architecture of the running Node process, if we build one for it. */
export function hostFilterArch(arch: string = process.arch): FilterArch | undefined {
  if (arch === 'x64') return 'x86_64';
  if (arch === 'arm64') return 'aarch64';
  return undefined;
}
