/**
 * An isolation backend: turns a plan into the command line that runs the
 * bootstrap isolated. One implementation per tool (bwrap, runsc, firejail).
 */
import type { SandboxLimits } from '../limits.js';

/** File descriptors the sandboxed process finds open (set up by `run.ts`). */
export const SANDBOX_FD = {
  /** Evidence channel: JSON lines out of the sandbox. */
  evidence: 3,
  /** Run key for the monitor's authenticated final record (read once, then closed). */
  key: 4,
  /** The model file, opened read-only by the host. */
  model: 5,
  /** The seccomp program (`struct sock_filter[]`), read by bwrap. */
  seccomp: 6,
  /** The bootstrap script, read by bwrap into /mg/bootstrap.py. */
  bootstrap: 7,
} as const;

/** Where the bootstrap lives inside the sandbox. */
export const BOOTSTRAP_PATH = '/mg/bootstrap.py';

export interface SandboxPlan {
  /** The Python interpreter (absolute path on the host, visible inside). */
  python: string;
  /** Extra host folders to bind read-only at the same path (the interpreter's prefix when outside /usr). */
  extraReadOnly: readonly string[];
  /** The model's folder, bound read-only at /in, when the loader needs it. */
  modelDir: string | undefined;
  /** The bootstrap's configuration, one JSON argument. */
  config: string;
  /** The bootstrap source, for backends that cannot take it through a descriptor. */
  bootstrapSource: string;
  limits: SandboxLimits;
}

export type BackendId = 'bwrap' | 'runsc' | 'firejail';

export interface SandboxBackend {
  readonly id: BackendId;
  /** What it isolates, for reports and docs. */
  readonly isolation: string;
  /** Whether the script (config included) goes on stdin: the tool caps argument lengths. */
  readonly scriptOnStdin: boolean;
  /** Whether it applies the project's seccomp program from `SANDBOX_FD.seccomp`. */
  readonly usesSeccompFd: boolean;
  /** Path of the tool, or undefined when it is not installed. */
  locate(): string | undefined;
  /** The command (tool path first) running the bootstrap isolated. */
  command(tool: string, plan: SandboxPlan): string[];
}
