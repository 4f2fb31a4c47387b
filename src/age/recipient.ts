/**
 * The two extension points of age: a `Recipient` wraps a file key into
 * stanzas, an `Identity` recognises and unwraps the stanzas addressed to it.
 */
import type { Stanza } from './format.js';

export interface Recipient {
  /** Wraps the 16-byte file key into one or more stanzas. */
  wrap(fileKey: Uint8Array): Stanza[];
  /** True for recipients that must be alone in a header (scrypt). */
  readonly exclusive?: boolean;
  /** True for post-quantum recipients, which should not be mixed with classical ones. */
  readonly postQuantum?: boolean;
}

export interface Identity {
  /**
   * Returns the file key if one of `stanzas` is addressed to this identity
   * and unwraps, `undefined` if none is. Throws `E_AGE_HEADER` when a stanza
   * of its type is malformed (wrong argument count, non-canonical base64,
   * wrong body length, low-order share): such a file is invalid, not merely
   * addressed to someone else.
   */
  unwrap(stanzas: readonly Stanza[]): Uint8Array | undefined;
}
