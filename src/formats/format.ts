/**
 * The extension point: one `FormatScanner` per file format.
 *
 * The engine sniffs the leading bytes, picks every scanner that claims them
 * (never the file name: extensions lie), and runs them. A scanner reports
 * findings through the context and may recurse into nested content
 * (archive members, decompressed streams) with `ctx.nested`.
 */
import type { ByteSource } from '../bytes/source.js';
import type { ScanContext } from './context.js';
import type { FormatKind } from './kinds.js';

/** Bytes in `Probe.head`: enough for every magic number and small headers. */
export const SNIFF_BYTES = 4096;
/** Bytes in `Probe.tail()`: a zip end-of-central-directory record with the longest comment. */
export const TAIL_BYTES = 22 + 65535 + 20;

/** What a sniffer may look at: the first bytes, the size, and lazily the last bytes. */
export interface Probe {
  readonly head: Uint8Array;
  readonly size: number;
  /** The last `TAIL_BYTES` bytes (fewer if the input is smaller); read once, on first call. */
  tail(): Uint8Array;
}

export interface FormatScanner {
  /** Stable id used in reports and `--format` hints, e.g. `safetensors`. */
  readonly id: string;
  /** Human name, e.g. `safetensors`, `PyTorch zip checkpoint`. */
  readonly title: string;
  /**
   * Formats this one supersedes when both claim the input: a TorchScript
   * archive is also a zip, so `torchscript` covers `zip`.
   */
  readonly covers?: readonly string[];
  /** Claims only what no other scanner claims (plain text). */
  readonly fallback?: boolean;
  /**
   * What a file of this format is (`FileReport.kind`); `transparent` for
   * wrappers whose content decides (compressed streams). Formats without
   * one are looked up in `kinds.ts`, else taken as able to carry code.
   */
  readonly kind?: FormatKind;
  /**
   * Whether the input is this format. Must be cheap and must not throw;
   * claim only on positive evidence (a magic number, a header that parses).
   */
  sniff(probe: Probe): boolean;
  /**
   * Analyses the input and reports through `ctx`. May throw `ModelguardError`
   * (`E_TRUNCATED`, `E_MALFORMED`, `E_LIMIT`, `E_UNSUPPORTED`): the engine turns
   * it into a finding and keeps everything reported before the throw. Any
   * other exception is a bug, reported as `unscannable` (`engine/internal-error`).
   */
  scan(src: ByteSource, ctx: ScanContext): Promise<void>;
}
