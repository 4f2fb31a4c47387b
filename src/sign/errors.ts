/**
 * Errors of model signing and verification, with stable codes.
 *
 * How callers should treat them:
 * - `E_SIG_VERIFY`: the signature does not verify (wrong key, tampered
 *   payload, untrusted chain or identity). The CLI exits 1.
 * - `E_SIG_MISMATCH`: the signature is valid but the files on disk differ
 *   from what was signed (`differences` lists them). The CLI exits 1.
 * - `E_SIG_BUNDLE`: the signature file is not a bundle this tool accepts
 *   (malformed, too large, unknown media type or predicate). Exit 1.
 * - `E_SIG_KEY`: a key or certificate cannot be read or has the wrong type;
 *   `E_SIG_CURVE`: an elliptic curve outside P-256/P-384/P-521. Exit 2.
 * - `E_SIG_MODEL`: the model cannot be hashed as asked (symlink without
 *   `--allow-symlinks`, special file, symlink loop, a file that changed while
 *   being hashed). Exit 1: what is on disk is not a stable, signable model.
 * - `E_SIG_NETWORK`: keyless signing could not complete: a token endpoint,
 *   Fulcio, Rekor or the timestamp authority is unreachable, timed out,
 *   refused the request, or returned something unusable. Nothing was
 *   written; retrying later may succeed. Exit 2.
 */
import { ModelguardError } from '../errors.js';

export type SignErrorCode = 'E_SIG_VERIFY' | 'E_SIG_MISMATCH' | 'E_SIG_BUNDLE' | 'E_SIG_KEY' | 'E_SIG_CURVE' | 'E_SIG_MODEL' | 'E_SIG_NETWORK';

export interface Difference {
  kind: 'missing' | 'extra' | 'changed';
  name: string;
  expected?: string;
  actual?: string;
}

export class SignError extends ModelguardError<SignErrorCode> {
  readonly differences: readonly Difference[];
  constructor(code: SignErrorCode, message: string, options?: { cause?: unknown; differences?: readonly Difference[] }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SignError';
    this.differences = options?.differences ?? [];
  }
}
