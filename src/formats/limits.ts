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
  /**
   * Nesting of JSON headers (safetensors) parsed by the strict JSON reader
   * (CWE-674: uncontrolled recursion). 128 is serde_json's own recursion limit.
   */
  maxJsonDepth: number;
  /**
   * Entries in one model header table: safetensors tensors, GGUF key-values,
   * GGUF tensor infos, ONNX nodes/initializers per graph (CWE-770: allocation
   * without limits). Counts are also checked against the bytes that remain.
   */
  maxHeaderEntries: number;
  /** Characters of one Jinja chat template parsed and walked (CWE-400: CPU exhaustion). */
  maxTemplateBytes: number;
  /** Nesting of ONNX subgraphs (If/Loop/Scan bodies, functions) and of protobuf messages (CWE-674). */
  maxGraphDepth: number;
  /**
   * Wall time libhdf5 may spend on one HDF5 file, in its worker thread
   * (CWE-835: hostile files have made libhdf5 loop forever).
   */
  maxHdf5Millis: number;
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
  maxJsonDepth: 128,
  maxHeaderEntries: 1_000_000,
  maxTemplateBytes: 1 << 20,
  maxGraphDepth: 32,
  maxHdf5Millis: 30_000,
});
