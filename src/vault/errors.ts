/**
 * Error codes of the encrypted vault (watcher, retention). Encryption
 * errors come from the age library as `AgeError` (`src/age/errors.ts`).
 *
 * Every error this area throws on purpose is a `VaultError` whose `code` is
 * one of the union below or a shared `ErrorCode`. Callers branch on `code`.
 *
 * How to treat each code:
 * - `E_VAULT_STATE`: the vault's journal or folder is inconsistent in a way
 *   the watcher refuses to repair by itself.
 * - `E_VAULT_VERIFY`: a freshly written ciphertext did not decrypt back to
 *   the plaintext it was made from; the plaintext was kept.
 */
import { ModelguardError, type ErrorCode } from '../errors.js';

export type VaultErrorCode = ErrorCode | 'E_VAULT_STATE' | 'E_VAULT_VERIFY';

export class VaultError extends ModelguardError<VaultErrorCode> {
  constructor(code: VaultErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(code, message, options);
    this.name = 'VaultError';
  }
}

/** Shorthand: `throw fail('E_VAULT_STATE', '...')`. */
export function fail(code: VaultErrorCode, message: string, options?: { offset?: number; cause?: unknown }): VaultError {
  return new VaultError(code, message, options);
}
