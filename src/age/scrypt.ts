/**
 * The scrypt (passphrase) recipient type.
 *
 * An scrypt stanza must be the only stanza of its header: that is what lets
 * a passphrase authenticate the sender. Work factors above `maxLogN`
 * (default 22, as age) are refused before any work is done: a hostile file
 * could otherwise ask for 2^63 iterations (CWE-400).
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { fail } from './errors.js';
import { decodeRawExact, encodeRaw } from './base64.js';
import type { Stanza } from './format.js';
import { unwrapFileKey, wrapFileKey } from './primitives.js';
import type { Identity, Recipient } from './recipient.js';

const LABEL = 'age-encryption.org/v1/scrypt';
/** age's default for new files: about a second on a laptop. */
export const DEFAULT_LOG_N = 18;
/** Decryption limit, as in age: 2^22 iterations needs 4 GiB of memory. */
export const MAX_LOG_N = 22;
const DECIMAL = /^[1-9][0-9]*$/;

function deriveKey(passphrase: string, salt: Uint8Array, logN: number): Uint8Array {
  const N = 2 ** logN;
  const s = Buffer.concat([Buffer.from(LABEL), salt]);
  // Node refuses scrypt above maxmem (32 MiB by default); 128 * N * r is the need.
  return new Uint8Array(
    scryptSync(passphrase, s, 32, {
      N,
      r: 8,
      p: 1,
      maxmem: 128 * N * 8 + 16 * 1024 * 1024,
    }),
  );
}

export class ScryptRecipient implements Recipient {
  readonly exclusive = true;
  private readonly passphrase: string;
  private readonly logN: number;

  constructor(passphrase: string, logN = DEFAULT_LOG_N) {
    if (passphrase.length === 0) throw fail('E_USAGE', 'empty passphrase');
    if (!Number.isInteger(logN) || logN < 1 || logN > MAX_LOG_N) throw fail('E_USAGE', `scrypt work factor must be 1..${MAX_LOG_N}`);
    this.passphrase = passphrase;
    this.logN = logN;
  }

  wrap(fileKey: Uint8Array): Stanza[] {
    const salt = randomBytes(16);
    const body = wrapFileKey(deriveKey(this.passphrase, salt, this.logN), fileKey);
    return [{ args: ['scrypt', encodeRaw(salt), String(this.logN)], body }];
  }
}

export class ScryptIdentity implements Identity {
  private readonly passphrase: string;
  private readonly maxLogN: number;

  constructor(passphrase: string, maxLogN = MAX_LOG_N) {
    this.passphrase = passphrase;
    this.maxLogN = maxLogN;
  }

  unwrap(stanzas: readonly Stanza[]): Uint8Array | undefined {
    for (const s of stanzas) {
      if (s.args[0] !== 'scrypt') continue;
      if (stanzas.length !== 1) throw fail('E_AGE_HEADER', 'an scrypt stanza must be alone in the header');
      const [, saltText, wf] = s.args;
      if (s.args.length !== 3 || saltText === undefined || wf === undefined) throw fail('E_AGE_HEADER', 'scrypt stanza must have exactly two arguments');
      const salt = decodeRawExact(saltText, 16, 'scrypt salt');
      if (!DECIMAL.test(wf) || wf.length > 2) throw fail('E_AGE_HEADER', 'scrypt work factor is not a canonical decimal');
      const logN = Number(wf);
      if (logN > this.maxLogN) throw fail('E_AGE_LIMIT', `scrypt work factor 2^${logN} above the limit 2^${this.maxLogN}`);
      if (s.body.length !== 32) throw fail('E_AGE_HEADER', 'scrypt stanza body must be 32 bytes');
      return unwrapFileKey(deriveKey(this.passphrase, salt, logN), s.body);
    }
    return undefined;
  }
}
