/**
 * A compression codec as the wrappers use it: decode a whole input into a
 * bounded output, stream after stream, the way Python's reader for that
 * format continues after the first stream.
 */
import type { BoundedOutput } from './output.js';

/** What a decoder tells the driver besides the bytes it produced. */
export interface DecodeState {
  /** Input bytes used by complete streams (and the zero padding between them). */
  consumed: number;
  /** Complete streams decoded (gzip members, bzip2/xz streams, lz4 frames). */
  streams: number;
  /** File name recorded in the stream (gzip FNAME), if any. */
  name?: string;
  /** Checksum or size mismatches found after the data was produced. */
  checksums: string[];
}

export interface Codec {
  /** Format id (`gzip`, `bzip2`...). */
  readonly id: string;
  readonly title: string;
  /** File name suffixes the wrapper adds; stripped to name the decoded member (`.tgz` gives `.tar`). */
  readonly suffixes: readonly (readonly [string, string])[];
  /**
   * Decodes `input` into `out`, updating `state` as streams complete.
   * Throws `ModelguardError` (`E_TRUNCATED`, `E_MALFORMED`, `E_UNSUPPORTED`,
   * `E_LIMIT` from `out`) to stop; what `out` holds by then is kept.
   */
  decode(input: Uint8Array, out: BoundedOutput, state: DecodeState): void;
  /** Whether the first bytes of an input start a stream of this codec: cheap, never throws. */
  sniff(head: Uint8Array): boolean;
}

export function newState(): DecodeState {
  return { consumed: 0, streams: 0, checksums: [] };
}
