/**
 * Scan results: the typed shape behind the JSON report (schema
 * `modelguard.scan/v1`, documented in docs/json-schema.md). Additive changes
 * only within v1; anything else bumps the schema id.
 */
import type { Finding } from './finding.js';
import type { FileKind } from './kind.js';
import type { Verdict } from './verdict.js';

/** A fact a scanner records about a file (shown in reports). */
export type InfoValue = string | number | boolean | readonly string[];

export interface ModelFile {
  path: string;
  format: string;
  verdict: Verdict;
  size: number;
}

export interface ModelSummary {
  /** Folder relative to the scanned directory (`.` for the directory itself). */
  path: string;
  kind: 'huggingface' | 'diffusers' | 'sharded' | 'folder';
  verdict: Verdict;
  files: ModelFile[];
  /** Findings about the folder as a whole. */
  findings: Finding[];
}

/** One repository revision of a Hugging Face hub cache (`scanHfCache`). */
export interface RepositorySummary {
  /** `org/name` as on the Hub. */
  id: string;
  type: 'model' | 'dataset' | 'space';
  /** The snapshot's commit hash. */
  revision: string;
  /** Branch and tag names (from `refs/`) pointing at this revision. */
  refs: string[];
  /** Worst verdict over the revision's files (`clean` when it has none). */
  verdict: Verdict;
  /** Report paths of its files. */
  files: string[];
}

export const REPORT_SCHEMA = 'modelguard.scan/v1';

export interface FileReport {
  /** Path as given, or relative to the scanned directory. */
  path: string;
  /** Detected format id of the outermost layer (`torch-zip`, `pickle`, ... or `unknown`). */
  format: string;
  verdict: Verdict;
  /** What the file is: the class of format it was recognised as (`unknown` when none). */
  kind: FileKind;
  /** Why the verdict holds, in one sentence: what was checked for `clean`, the worst finding otherwise. */
  reason: string;
  size: number;
  findings: Finding[];
  /** Format facts: pickle protocol, opset, tensor count, members scanned... */
  info: Record<string, InfoValue>;
  /** Wall time spent on this file, in milliseconds. */
  durationMs: number;
}

export interface ScanReport {
  schema: typeof REPORT_SCHEMA;
  tool: { name: 'modelguard'; version: string };
  /** Worst verdict over all files; `clean` for an empty scan. */
  verdict: Verdict;
  /** Profile forced by the user, or `auto` (chosen per format). */
  profile: string;
  files: FileReport[];
  /** Model folders found among the files (Hugging Face style directories), each as one unit. */
  models?: ModelSummary[];
  /** Hugging Face cache repositories, one entry per revision (cache scans only). */
  repositories?: RepositorySummary[];
  summary: Record<Verdict, number> & { files: number; durationMs: number };
  /** ISO 8601 time the scan started. */
  startedAt: string;
}
