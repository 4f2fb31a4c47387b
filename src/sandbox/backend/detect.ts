/**
 * Picking the isolation backend. Order of preference: bubblewrap (the
 * strongest we configure fully, with our seccomp program), gVisor, firejail.
 * There is no "none": without a backend, detonation refuses to run.
 */
import { SandboxError } from '../errors.js';
import { bwrapBackend } from './bwrap.js';
import { firejailBackend } from './firejail.js';
import { runscBackend } from './runsc.js';
import type { BackendId, SandboxBackend } from './types.js';

export const BACKENDS: readonly SandboxBackend[] = [bwrapBackend, runscBackend, firejailBackend];
export const BACKEND_IDS: readonly BackendId[] = BACKENDS.map((b) => b.id);

export interface ChosenBackend {
  backend: SandboxBackend;
  tool: string;
}

/** The requested backend, or the first installed one; throws E_SANDBOX_UNAVAILABLE otherwise. */
export function chooseBackend(requested?: string, backends: readonly SandboxBackend[] = BACKENDS): ChosenBackend {
  const candidates = requested === undefined ? backends : backends.filter((b) => b.id === requested);
  if (requested !== undefined && candidates.length === 0) {
    throw new SandboxError('E_USAGE', `unknown sandbox backend '${requested}' (known: ${BACKEND_IDS.join(', ')})`);
  }
  for (const backend of candidates) {
    const tool = backend.locate();
    if (tool !== undefined) return { backend, tool };
  }
  throw new SandboxError(
    'E_SANDBOX_UNAVAILABLE',
    requested === undefined
      ? 'no isolation available: install bubblewrap (apt install bubblewrap), gVisor (runsc) or firejail; modelguard never loads a model on the host'
      : `${requested} is not installed; modelguard never loads a model on the host`,
  );
}

/** Which backends are installed, for `detonate --list-backends` and docs. */
export function installedBackends(): { id: BackendId; tool: string | undefined; isolation: string }[] {
  return BACKENDS.map((b) => ({ id: b.id, tool: b.locate(), isolation: b.isolation }));
}
