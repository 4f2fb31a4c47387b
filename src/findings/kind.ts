/**
 * What a scanned file is, beside how bad it is: the class of format it was
 * recognised as. The verdict says whether a loader could run something; the
 * kind says why that question was answered the way it was (a WAV file is
 * `clean` because no loader executes audio, a pickle because nothing it
 * imports or calls is outside the allowlists).
 */
import type { Finding, Severity } from './finding.js';
import type { Verdict } from './verdict.js';

export type FileKind =
  /** A format whose loader can run code from the file: pickles, PyTorch, joblib, NumPy object arrays, Keras, SavedModels. */
  | 'model-code-carrying'
  /** A model format holding numbers and metadata only: safetensors, GGUF, ONNX, TFLite, ggml, XGBoost/LightGBM models, word vectors. */
  | 'model-data-only'
  /** A data set or tensor container no ML loader executes: Arrow, Parquet, TFRecord, MessagePack, indexed datasets. */
  | 'data-container'
  /** Zip, tar and 7z archives: what the members are decides. */
  | 'archive'
  /** Audio and images. */
  | 'media'
  /** Text in any common encoding (configs, vocabularies, READMEs). */
  | 'text'
  /** Version-control and cache bookkeeping: git objects and packs, LFS pointers, .DS_Store, cache markers. */
  | 'repository-internal'
  /** A file of zero bytes: every loader fails on it before reading anything. */
  | 'empty'
  /** Bytes that match no format modelguard knows. */
  | 'unknown';

export const FILE_KINDS: readonly FileKind[] = [
  'model-code-carrying',
  'model-data-only',
  'data-container',
  'archive',
  'media',
  'text',
  'repository-internal',
  'empty',
  'unknown',
];

/**
 * When several formats claim one file (a polyglot, a text file that is
 * also a pickle), the file is what its most dangerous reading makes it.
 */
const PRECEDENCE: Record<FileKind, number> = {
  'model-code-carrying': 8,
  archive: 7,
  'model-data-only': 6,
  'data-container': 5,
  'repository-internal': 4,
  media: 3,
  text: 2,
  empty: 1,
  unknown: 0,
};

export function strongerKind(a: FileKind, b: FileKind): FileKind {
  return PRECEDENCE[a] >= PRECEDENCE[b] ? a : b;
}

/** Why a `clean` verdict holds for a file of each kind (the report's `reason` starts with it). */
export const CLEAN_BECAUSE: Record<FileKind, string> = {
  'model-code-carrying': 'read to the end: nothing it imports or calls is outside the allowlists',
  'model-data-only': 'a model format that holds numbers and metadata only, its structure checked',
  'data-container': 'a data container no ML loader executes, its structure checked',
  archive: 'every member was read and is clean',
  media: 'audio or image data no ML loader executes, its structure checked',
  text: 'text no model loader executes',
  'repository-internal': 'version-control or cache bookkeeping no ML loader reads, its structure checked',
  empty: 'an empty file: every loader fails on it before reading anything',
  unknown: 'matches no format modelguard knows; counted clean because --unknown-as clean was given',
};

/** The severity a verdict comes from (`clean` comes from `info` or nothing). */
const VERDICT_SEVERITY: Record<Exclude<Verdict, 'clean'>, Severity> = { suspicious: 'suspicious', unscannable: 'unscannable', malicious: 'malicious' };

/** Kinds whose `clean` reason names the recogniser's own summary (what was checked). */
const SUMMARISED: ReadonlySet<FileKind> = new Set<FileKind>(['model-data-only', 'data-container', 'media', 'text', 'repository-internal', 'unknown']);

/**
 * Why `verdict` holds for a file of `kind` with these findings: for `clean`,
 * what makes the kind inert and the recogniser's summary of what it checked;
 * otherwise the first finding that set the verdict.
 */
export function reasonFor(kind: FileKind, verdict: Verdict, findings: readonly Finding[]): string {
  if (verdict === 'clean') {
    const top = findings.filter((f) => f.severity === 'info' && (f.location.member === undefined || f.location.member.length === 0));
    const summary = top[top.length - 1]?.message;
    return SUMMARISED.has(kind) && summary !== undefined ? `${CLEAN_BECAUSE[kind]}: ${summary}` : CLEAN_BECAUSE[kind];
  }
  const worst = findings.find((f) => f.severity === VERDICT_SEVERITY[verdict]);
  return worst === undefined ? verdict : `${worst.rule}: ${worst.message}`;
}
