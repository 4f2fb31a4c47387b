/**
 * Synchronous reads across threads. libhdf5 (in the HDF5 worker) reads its
 * file through a synchronous callback, while the bytes live in the scanning
 * thread (a file, a zip member, a decompressed stream). The worker posts a
 * request and blocks on `Atomics.wait`; the scanning thread, which is only
 * awaiting the worker's answer, serves the read from the real `ByteSource`
 * into shared memory and wakes it. Reads larger than the shared buffer go
 * in chunks.
 */
import type { ByteSource } from '../../../bytes/source.js';
import { ModelguardError, type ErrorCode } from '../../../errors.js';

/** Bytes moved per round trip. libhdf5 reads metadata in small pieces. */
export const CHUNK_BYTES = 1 << 20;

/** Slots of the control array. */
const STATE = 0;
const LENGTH = 1;
const CODE = 2;
const WAITING = 0;
const ANSWERED = 1;

/** Error codes a read may end with, by index (carried in the control array). */
const CODES: readonly ErrorCode[] = ['E_TRUNCATED', 'E_MALFORMED', 'E_LIMIT', 'E_IO', 'E_UNSUPPORTED'];

export interface Channel {
  /** Control words: state, answered length (negative: error), error code index. */
  readonly control: SharedArrayBuffer;
  /** Answered bytes, or an error message in UTF-8. */
  readonly data: SharedArrayBuffer;
}

export interface ReadRequest {
  readonly t: 'read';
  readonly offset: number;
  readonly length: number;
}

export function newChannel(): Channel {
  return { control: new SharedArrayBuffer(12), data: new SharedArrayBuffer(CHUNK_BYTES) };
}

/** Scanning thread: answers one request from `src`. Never throws; errors travel to the worker. */
export function answer(ch: Channel, src: ByteSource, req: ReadRequest): void {
  const ctl = new Int32Array(ch.control);
  const data = new Uint8Array(ch.data);
  try {
    if (!Number.isSafeInteger(req.offset) || !Number.isSafeInteger(req.length) || req.length < 0 || req.length > CHUNK_BYTES) {
      throw new ModelguardError('E_IO', `bad read request ${req.offset}+${req.length}`);
    }
    const bytes = src.read(req.offset, req.length);
    data.set(bytes);
    Atomics.store(ctl, LENGTH, bytes.length);
  } catch (e) {
    const code = e instanceof ModelguardError ? CODES.indexOf(e.code as ErrorCode) : -1;
    const msg = new TextEncoder().encode((e instanceof Error ? e.message : String(e)).slice(0, 1000));
    data.set(msg);
    Atomics.store(ctl, CODE, code < 0 ? CODES.indexOf('E_IO') : code);
    Atomics.store(ctl, LENGTH, -1 - msg.length);
  }
  Atomics.store(ctl, STATE, ANSWERED);
  Atomics.notify(ctl, STATE);
}

/**
 * Worker thread: a `ByteSource` of `size` bytes whose reads go to the
 * scanning thread through `post` and block until answered.
 */
export class RemoteSource implements ByteSource {
  readonly size: number;
  private readonly ctl: Int32Array;
  private readonly data: Uint8Array;
  private readonly post: (req: ReadRequest) => void;

  constructor(ch: Channel, size: number, post: (req: ReadRequest) => void) {
    this.size = size;
    this.ctl = new Int32Array(ch.control);
    this.data = new Uint8Array(ch.data);
    this.post = post;
  }

  /** The real source belongs to the scanning thread, which closes it. */
  close(): void {
    // nothing held here
  }

  read(offset: number, length: number): Uint8Array {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || length > this.size - offset) {
      throw new ModelguardError('E_TRUNCATED', `range ${offset}+${length} is outside the input (${this.size} bytes)`, { offset });
    }
    const out = new Uint8Array(length);
    for (let done = 0; done < length;) {
      const n = Math.min(CHUNK_BYTES, length - done);
      Atomics.store(this.ctl, STATE, WAITING);
      this.post({ t: 'read', offset: offset + done, length: n });
      Atomics.wait(this.ctl, STATE, WAITING);
      const got = Atomics.load(this.ctl, LENGTH);
      if (got < 0) {
        const msg = new TextDecoder().decode(this.data.subarray(0, -1 - got));
        throw new ModelguardError(CODES[Atomics.load(this.ctl, CODE)] ?? 'E_IO', msg, { offset: offset + done });
      }
      if (got !== n) throw new ModelguardError('E_IO', `short read at ${offset + done}: ${got} of ${n} bytes`, { offset: offset + done });
      out.set(this.data.subarray(0, n), done);
      done += n;
    }
    return out;
  }
}
