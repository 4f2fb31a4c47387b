/**
 * The one reading of a binary age file's head for random access (the
 * parallel decryptors): header found within MAX_HEADER_SIZE, parsed and
 * unwrapped, the payload nonce read, and the payload's length checked
 * against what STREAM can produce, all before any chunk is opened.
 */
import type { FileHandle } from 'node:fs/promises';
import { readFull } from '../files/fsutil.js';
import { AgeDecryptor, unwrapHeader } from './decrypt.js';
import { fail } from './errors.js';
import { findHeaderEnd, MAX_HEADER_SIZE, parseHeader } from './format.js';
import type { Identity } from './recipient.js';
import { PAYLOAD_NONCE_SIZE, payloadKey, plaintextSize } from './stream.js';

export interface FilePayload {
  /** The STREAM key. */
  key: Uint8Array;
  /** Offset of the first payload chunk. */
  start: number;
  /** Bytes of sealed chunks, `start` to the end of the file. */
  encLength: number;
  /** Bytes the payload decrypts to. */
  plaintextBytes: number;
}

/** Opens the header of the `size`-byte binary age file `h` with `identities`; throws AgeError as sequential decryption does. */
export async function openFilePayload(h: FileHandle, size: number, identities: readonly Identity[]): Promise<FilePayload> {
  const head = new Uint8Array(Math.min(size, MAX_HEADER_SIZE + PAYLOAD_NONCE_SIZE + 1));
  const got = await readFull(h, head, 0);
  const end = findHeaderEnd(head.subarray(0, got));
  if (end === undefined) {
    // Let the sequential decryptor produce the precise error.
    const d = new AgeDecryptor(identities);
    d.push(head.subarray(0, got));
    d.end();
    throw fail('E_AGE_HEADER', 'input ends inside the header');
  }
  const fileKey = unwrapHeader(parseHeader(head.subarray(0, end)), identities);
  if (got < end + PAYLOAD_NONCE_SIZE) throw fail('E_AGE_HEADER', 'input ends before the payload nonce');
  const key = payloadKey(fileKey, head.slice(end, end + PAYLOAD_NONCE_SIZE));
  const start = end + PAYLOAD_NONCE_SIZE;
  const encLength = size - start;
  const plaintextBytes = plaintextSize(encLength);
  if (plaintextBytes === undefined) {
    throw fail('E_AGE_PAYLOAD', encLength === 0 ? 'payload has no chunks' : `payload length ${encLength} is not a valid STREAM length (truncated or padded)`);
  }
  return { key, start, encLength, plaintextBytes };
}
