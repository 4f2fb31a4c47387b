/**
 * Resource limits of one detonation, each with the weakness it bounds.
 * rlimits are set with util-linux `prlimit` on the process that becomes the
 * sandbox (Node cannot set rlimits on a child); the tmpfs sizes by the
 * backend; the wall clock and the channel caps by the host (`run.ts`).
 */
export interface SandboxLimits {
  /** RLIMIT_AS: address space of each process (CWE-400, CWE-789 memory bombs). torch alone maps ~1 GiB. */
  memoryBytes: number;
  /** RLIMIT_NPROC headroom over the sandbox user's current processes and threads (CWE-400 fork bombs). */
  processes: number;
  /** RLIMIT_FSIZE: largest file a process may write (CWE-400 disk filling). */
  fileSizeBytes: number;
  /** RLIMIT_CPU seconds (CWE-835 busy loops; SIGXCPU then SIGKILL). */
  cpuSeconds: number;
  /** RLIMIT_NOFILE (CWE-774 descriptor exhaustion). */
  openFiles: number;
  /** Wall-clock limit; the process group is killed after it (CWE-400 sleeping payloads). */
  wallMs: number;
  /** Size of the private /tmp tmpfs (and a quarter of it for /dev/shm): memory, so bounded (CWE-400). */
  tmpfsBytes: number;
  /** Evidence channel bytes kept; beyond, the evidence is marked truncated (CWE-400 flooding). */
  evidenceBytes: number;
  /** stdout/stderr bytes kept each, for the report (CWE-400). */
  outputBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = {
  memoryBytes: 4 * 1024 ** 3,
  processes: 64,
  fileSizeBytes: 64 * 1024 ** 2,
  cpuSeconds: 60,
  openFiles: 256,
  wallMs: 60_000,
  tmpfsBytes: 64 * 1024 ** 2,
  evidenceBytes: 4 * 1024 ** 2,
  outputBytes: 64 * 1024,
};
