/**
 * modelguard library entry point. Everything public is exported here;
 * deep imports are not part of the API.
 */
export { VERSION } from './version.js';
export { ModelguardError, isModelguardError, type ErrorCode } from './errors.js';
export { ByteReader } from './bytes/reader.js';
export { BufferSource, FileSource, SliceSource, type ByteSource } from './bytes/source.js';
export type { Finding, Location, Severity } from './scan/finding.js';
export { type Verdict, verdictOf, worst, fails } from './scan/verdict.js';
export type { FileReport, ScanReport } from './scan/report.js';
export { REPORT_SCHEMA } from './scan/report.js';
export { DEFAULT_LIMITS, type Limits } from './scan/limits.js';
export { scanBuffer, scanFile, scanSource, type ScanOptions } from './scan/engine.js';
export type { FormatScanner, Probe } from './scan/format.js';
export type { ScanContext } from './scan/context.js';
