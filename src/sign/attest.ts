/**
 * Scan attestations: an in-toto statement, signed like a model signature,
 * whose subject is the model's root digest (the same digest a model
 * signature commits to) and whose predicate records a modelguard scan of
 * those exact files. `verifyAttestation` checks the signature, recomputes
 * the digest from the files on disk, and reports the attested verdict.
 *
 * Predicate type `https://modelguard.dev/attestations/scan/v1`, schema in
 * docs/scan-attestation.md.
 */
import type { ScanReport } from '../findings/report.js';
import { VERSION } from '../version.js';
import { SignError } from './errors.js';
import { rootDigest, type Serialization } from './manifest/manifest.js';
import { hashModel, GIT_PATHS } from './manifest/serialize.js';
import { signStatementAsync, signatureInside, writeAtomic, type SignMethod } from './sign.js';
import { STATEMENT_TYPE } from './statement.js';
import { readBundle, verifyEnvelope, type VerifyMethod } from './verify.js';

export const SCAN_PREDICATE = 'https://modelguard.dev/attestations/scan/v1';

/** Findings kept per file in the predicate (the rest are counted). */
const MAX_FINDINGS_PER_FILE = 50;

export interface ScanPredicate {
  scanner: { name: 'modelguard'; version: string };
  /** Report schema of the embedded results. */
  reportSchema: string;
  scannedAt: string;
  profile: string;
  verdict: string;
  summary: ScanReport['summary'];
  /** How the subject digest was computed (as in a model signature predicate). */
  serialization: Serialization;
  files: {
    path: string;
    format: string;
    verdict: string;
    size: number;
    findings: { rule: string; severity: string; message: string; member?: string[]; offset?: number; global?: string }[];
    omittedFindings: number;
  }[];
}

export interface AttestOptions {
  /** Where the attestation goes. */
  output: string;
  /** Files left out of the digest besides the attestation itself (the model signature, say). */
  ignorePaths?: readonly string[];
}

export function scanPredicate(report: ScanReport, serialization: Serialization): ScanPredicate {
  return {
    scanner: { name: 'modelguard', version: VERSION },
    reportSchema: report.schema,
    scannedAt: report.startedAt,
    profile: report.profile,
    verdict: report.verdict,
    summary: report.summary,
    serialization,
    files: report.files.map((f) => ({
      path: f.path,
      format: f.format,
      verdict: f.verdict,
      size: f.size,
      findings: f.findings.slice(0, MAX_FINDINGS_PER_FILE).map((x) => ({
        rule: x.rule,
        severity: x.severity,
        message: x.message,
        ...(x.location.member === undefined ? {} : { member: x.location.member }),
        ...(x.location.offset === undefined ? {} : { offset: x.location.offset }),
        ...(x.global === undefined ? {} : { global: x.global }),
      })),
      omittedFindings: Math.max(0, f.findings.length - MAX_FINDINGS_PER_FILE),
    })),
  };
}

/** Signs a statement binding `report` to the model's digest; returns the root digest. */
export async function attestScan(model: string, report: ScanReport, method: SignMethod, o: AttestOptions): Promise<string> {
  const self = signatureInside(model, o.output);
  const manifest = await hashModel(model, { ignorePaths: [...(o.ignorePaths ?? []), ...(self === undefined ? [] : [self])] });
  const root = rootDigest(manifest.resources);
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: manifest.modelName, digest: { sha256: root } }],
    predicateType: SCAN_PREDICATE,
    predicate: scanPredicate(report, manifest.serialization),
  };
  writeAtomic(o.output, await signStatementAsync(statement, method));
  return root;
}

export interface AttestationCheck {
  verdict: string;
  scannedAt: string;
  scannerVersion: string;
  root: string;
  signer: string;
}

/** Verifies an attestation's signature and that its subject is the model on disk. */
export async function verifyAttestation(model: string, file: string, method: VerifyMethod): Promise<AttestationCheck> {
  const { payload, signer } = verifyEnvelope(readBundle(file), method);
  let doc: { _type?: unknown; predicateType?: unknown; subject?: { digest?: { sha256?: unknown } }[]; predicate?: Partial<ScanPredicate> };
  try {
    doc = JSON.parse(payload.toString('utf8')) as typeof doc;
  } catch {
    throw new SignError('E_SIG_BUNDLE', 'the attestation payload is not JSON');
  }
  if (doc._type !== STATEMENT_TYPE || doc.predicateType !== SCAN_PREDICATE)
    throw new SignError('E_SIG_BUNDLE', `not a modelguard scan attestation (${String(doc.predicateType)})`);
  const want = doc.subject?.[0]?.digest?.sha256;
  const p = doc.predicate;
  if (typeof want !== 'string' || p?.serialization?.method !== 'files' || typeof p.verdict !== 'string')
    throw new SignError('E_SIG_BUNDLE', 'the attestation lacks a subject digest, serialization or verdict');
  const self = signatureInside(model, file);
  const ignore = [...(p.serialization.ignore_paths ?? []).filter((x) => !GIT_PATHS.includes(x)), ...(self === undefined ? [] : [self])];
  const actual = rootDigest((await hashModel(model, { ignorePaths: ignore, allowSymlinks: p.serialization.allow_symlinks })).resources);
  if (actual !== want) throw new SignError('E_SIG_MISMATCH', `the attested scan was of other files (attested sha256:${want}, on disk sha256:${actual})`);
  return { verdict: p.verdict, scannedAt: String(p.scannedAt), scannerVersion: String(p.scanner?.version), root: actual, signer };
}
