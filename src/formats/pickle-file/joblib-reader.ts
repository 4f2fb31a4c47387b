/**
 * The byte stream as joblib's unpickler sees it. `NumpyUnpickler` is the
 * pure-Python `pickle._Unpickler` (joblib/numpy_pickle_utils.py), whose
 * `_Unframer` reads a protocol-4 FRAME whole from the file when the FRAME
 * opcode runs and serves the following opcodes from that copy, while
 * joblib reads array bytes from the file handle itself
 * (`NumpyArrayWrapper.read_array`: `unpickler.file_handle.read`). So array
 * bytes come from *after the frame*, and opcodes keep coming from inside
 * it; once the frame is used up, opcodes continue after the array bytes.
 * joblib's own pickler commits the frame before writing an array, so real
 * dumps have nothing between the two; a crafted file can put opcodes
 * there, which a reader that skips the array right after the wrapper
 * would never decode.
 *
 * The Python unframer also differs from the C unpickler that `PickleMachine`
 * models in two ways that matter here: a FRAME longer than what is left is
 * not an error until an opcode runs out of it, and an opcode that crosses
 * the end of its frame is ("pickle exhausted before end of frame"), as is
 * a FRAME before the current frame is used up.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import { Op } from '../pickle/opcodes.js';
import { PickleReader, type PickleOp } from '../pickle/reader.js';

export class JoblibReader extends PickleReader {
  /** The stream's bytes (joblib's own reads come from here). */
  readonly source: ByteSource;
  /** End of the stream. */
  readonly limit: number;
  /** End of the frame opcodes are being served from (Python's `current_frame`), if any. */
  private frameEnd: number | undefined;
  /** Bytes joblib read from the file behind the current frame: skipped when the frame is used up. */
  private pending = 0;
  /** FRAME opcodes longer than what is left: the C unpickler (pickle.load) fails there, joblib's reads on. */
  readonly shortFrames: { pos: number; declared: number; left: number }[] = [];

  constructor(src: ByteSource, start: number, end: number, maxConstantBytes: number) {
    super(src, start, end, maxConstantBytes);
    this.source = src;
    this.limit = end;
  }

  private inFrame(): boolean {
    return this.frameEnd !== undefined && this.pos <= this.frameEnd;
  }

  /** Where the file handle is: where joblib's next direct read starts. */
  get filePosition(): number {
    return this.inFrame() ? (this.frameEnd as number) + this.pending : this.pos;
  }

  /** Bytes joblib could still read from the file. */
  get fileRemaining(): number {
    return this.limit - this.filePosition;
  }

  /** Whether joblib's direct reads land after a frame that still has opcodes to serve. */
  get readsBehindFrame(): boolean {
    return this.inFrame() && this.pos < (this.frameEnd as number);
  }

  /** joblib reads `n` bytes from the file handle (array data, padding, a nested pickle). */
  consume(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.fileRemaining) {
      throw new ModelguardError('E_TRUNCATED', `${what}: ${n} bytes at offset ${this.filePosition} run past the end`, { offset: this.filePosition });
    }
    if (this.inFrame()) this.pending += n;
    else this.skip(n, what);
  }

  /** Reads (and consumes) `n` small bytes from the file handle. */
  readFile(n: number, what: string): Uint8Array {
    const at = this.filePosition;
    if (n > this.fileRemaining) throw new ModelguardError('E_TRUNCATED', `${what}: needs ${n} bytes at offset ${at}`, { offset: at });
    const bytes = this.source.read(at, n).slice();
    this.consume(n, what);
    return bytes;
  }

  /** Moves the file handle to absolute offset `to` (a resynchronisation being tried). */
  consumeTo(to: number, what: string): void {
    this.consume(to - this.filePosition, what);
  }

  private leaveFrame(): void {
    if (this.frameEnd === undefined || this.pos < this.frameEnd) return;
    const skip = this.pending;
    this.frameEnd = undefined;
    this.pending = 0;
    if (skip > 0) this.skip(skip, 'array data read behind the frame');
  }

  override next(): PickleOp {
    this.leaveFrame();
    const start = this.pos;
    const op = super.next();
    if (this.frameEnd !== undefined && this.pos > this.frameEnd) {
      throw new ModelguardError(
        'E_MALFORMED',
        `opcode at ${start} crosses the end of its frame at ${this.frameEnd}: pickle._Unpickler raises "pickle exhausted before end of frame"`,
        {
          offset: start,
        },
      );
    }
    if (op.code === Op.FRAME) {
      if (this.frameEnd !== undefined && this.pos < this.frameEnd) {
        throw new ModelguardError('E_MALFORMED', `FRAME at ${start} before the current frame ends: pickle._Unpickler raises`, { offset: start });
      }
      // The new frame is read from the file, which is past any bytes joblib read behind the old one.
      this.leaveFrame();
      const n = op.arg as number;
      if (n > this.limit - this.pos) this.shortFrames.push({ pos: start, declared: n, left: this.limit - this.pos });
      this.frameEnd = Math.min(this.pos + n, this.limit);
      // A short frame is not an error for the Python unframer: keep the machine's C-unpickler check quiet.
      op.arg = 0;
    }
    return op;
  }
}
