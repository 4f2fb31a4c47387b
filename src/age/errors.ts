/**
 * Error codes of the age library (format, keys, encryption, decryption).
 *
 * Every error this library throws on purpose is an `AgeError`; callers test
 * `instanceof AgeError` and branch on `code`, never on the message.
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
 *   not handle (plugins, some SSH key kinds).
 * - shared codes (`E_IO`, `E_USAGE`, `E_TRUNCATED`...): as in `src/errors.ts`.
 */
import { ModelguardError, type ErrorCode } from '../errors.js';

export type AgeErrorCode =
  ErrorCode | 'E_AGE_HEADER' | 'E_AGE_ARMOR' | 'E_AGE_LIMIT' | 'E_AGE_NO_IDENTITY' | 'E_AGE_MAC' | 'E_AGE_PAYLOAD' | 'E_AGE_KEY' | 'E_AGE_UNSUPPORTED';

export class AgeError extends ModelguardError<AgeErrorCode> {
  constructor(code: AgeErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(code, message, options);
    this.name = 'AgeError';
  }
}

/** Shorthand: `throw fail('E_AGE_HEADER', '...')`. */
export function fail(code: AgeErrorCode, message: string, options?: { offset?: number; cause?: unknown }): AgeError {
  return new AgeError(code, message, options);
}

/** Re-throws a `ModelguardError` from a shared helper (the byte reader) under an age code. */
export function recode(e: unknown, code: AgeErrorCode, what: string): never {
  if (e instanceof AgeError) throw e;
  if (e instanceof ModelguardError) {
    throw new AgeError(code, `${what}: ${e.message}`, {
      ...(e.offset === undefined ? {} : { offset: e.offset }),
      cause: e,
    });
  }
  throw e;
}
