/**
 * Resource limits for analysing hostile input. Each limit names what it
 * bounds and why; hitting one yields an `unscannable` finding (or a
 * `malformed` one when the file itself is impossible), never a crash.
 */
export interface Limits {
  /** Pickle opcodes executed symbolically per pickle stream (CWE-400: CPU exhaustion). */
  maxPickleOps: number;
  /** Distinct memo slots per pickle (CWE-789: memo bombs with huge indices). */
  maxMemoEntries: number;
  /** Stack depth plus open marks per pickle (CWE-674). */
  maxStackDepth: number;
  /** Nesting depth when rendering or walking symbolic values (cyclic and deep structures). */
  maxValueDepth: number;
  /** Bytes of one string/bytes constant kept in memory; longer ones are kept as a prefix. */
  maxConstantBytes: number;
  /** Bytes a compressed stream may inflate to (CWE-409: decompression bombs). */
  maxInflatedBytes: number;
  /** Inflated/compressed ratio above which a member is a bomb, once over 1 MiB. */
  maxInflateRatio: number;
  /** Archive nesting depth (zip in tar in gzip ...). */
  maxNestingDepth: number;
  /** Entries per archive (central directory records, tar headers). */
  maxArchiveEntries: number;
  /** Bytes of a metadata/header blob parsed as a whole (JSON headers, configs). */
  maxHeaderBytes: number;
  /** Pickles analysed back to back in one stream. */
  maxPicklesPerStream: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxPickleOps: 50_000_000,
  maxMemoEntries: 1_000_000,
  maxStackDepth: 100_000,
  maxValueDepth: 200,
  maxConstantBytes: 1 << 20,
  maxInflatedBytes: 1 << 30,
  maxInflateRatio: 1000,
  maxNestingDepth: 8,
  maxArchiveEntries: 100_000,
  maxHeaderBytes: 100 * 1024 * 1024,
  maxPicklesPerStream: 1024,
});
