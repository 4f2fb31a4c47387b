/**
 * Errors of the sandbox. How callers should treat each code:
 * - `E_SANDBOX_UNAVAILABLE`: no isolation backend works on this machine
 *   (bubblewrap, gVisor and firejail all missing or refusing to start). The
 *   file was NOT loaded; there is no fallback to the host. The CLI exits 3.
 * - `E_LOADER_UNAVAILABLE`: the sandbox works but the Python library the
 *   loader needs is not installed (e.g. keras); nothing was loaded. Exit 3.
 * - `E_SANDBOX_FAILED`: the backend started but broke before the loader ran
 *   (a bind it needs is missing, a bad option): a tool problem, not a verdict.
 * plus the shared `E_USAGE` / `E_IO` / `E_LIMIT` of `src/errors.ts`.
 */
import { ModelguardError, type ErrorCode } from '../errors.js';

export type SandboxErrorCode = ErrorCode | 'E_SANDBOX_UNAVAILABLE' | 'E_LOADER_UNAVAILABLE' | 'E_SANDBOX_FAILED';

export class SandboxError extends ModelguardError<SandboxErrorCode> {
  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SandboxError';
  }
}

export function isSandboxError(e: unknown, code?: SandboxErrorCode): e is SandboxError {
  return e instanceof SandboxError && (code === undefined || e.code === code);
}
