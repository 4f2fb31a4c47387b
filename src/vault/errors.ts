/**
 * Error codes of the encrypted vault (age encryption, watcher, retention).
 *
 * Every error this area throws on purpose is a `VaultError` whose `code` is
 * one of the union below or a shared `ErrorCode`. Callers branch on `code`.
 *
 * How to treat each code:
 * - `E_AGE_HEADER`: the age header (or one of its stanzas addressed to a
 *   supplied identity) breaks the format. The file is not a valid age file;
 *   do not retry with other keys.
 * - `E_AGE_ARMOR`: the ASCII armor is malformed (lines, padding, label,
 *   garbage around it). Same treatment as `E_AGE_HEADER`.
 * - `E_AGE_LIMIT`: a named limit was hit before parsing could finish (header
 *   size, stanza count, scrypt work factor above the configured maximum).
 * - `E_AGE_NO_IDENTITY`: the header is well formed but none of the supplied
 *   identities can unwrap a stanza: wrong key or wrong passphrase.
 * - `E_AGE_MAC`: a file key was unwrapped but the header MAC does not verify:
 *   the header was tampered with. Treat as an attack, not a wrong key.
 * - `E_AGE_PAYLOAD`: the encrypted payload failed to authenticate (flipped,
 *   reordered, dropped or truncated chunks, trailing data, missing final
 *   chunk). Plaintext released before the failure was authentic but the
 *   file is incomplete; discard it.
 * - `E_AGE_KEY`: a recipient or identity string/file is not a valid encoding.
 * - `E_AGE_UNSUPPORTED`: a valid key or stanza type this implementation does
 *   not handle (post-quantum hybrid keys, plugins, SSH keys).
 * - `E_VAULT_STATE`: the vault's journal or folder is inconsistent in a way
 *   the watcher refuses to repair by itself.
 * - `E_VAULT_VERIFY`: a freshly written ciphertext did not decrypt back to
 *   the plaintext it was made from; the plaintext was kept.
 */
import { ModelguardError, type ErrorCode } from '../errors.js';

export type VaultErrorCode =
  | ErrorCode
  | 'E_AGE_HEADER'
  | 'E_AGE_ARMOR'
  | 'E_AGE_LIMIT'
  | 'E_AGE_NO_IDENTITY'
  | 'E_AGE_MAC'
  | 'E_AGE_PAYLOAD'
  | 'E_AGE_KEY'
  | 'E_AGE_UNSUPPORTED'
  | 'E_VAULT_STATE'
  | 'E_VAULT_VERIFY';

export class VaultError extends ModelguardError<VaultErrorCode> {
  constructor(code: VaultErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(code, message, options);
    this.name = 'VaultError';
  }
}

/** Shorthand: `throw fail('E_AGE_HEADER', '...')`. */
export function fail(code: VaultErrorCode, message: string, options?: { offset?: number; cause?: unknown }): VaultError {
  return new VaultError(code, message, options);
}

/** Re-throws a `ModelguardError` from a shared helper (the byte reader) under a vault code. */
export function recode(e: unknown, code: VaultErrorCode, what: string): never {
  if (e instanceof VaultError) throw e;
  if (e instanceof ModelguardError) {
    throw new VaultError(code, `${what}: ${e.message}`, {
      ...(e.offset === undefined ? {} : { offset: e.offset }),
      cause: e,
    });
  }
  throw e;
}
