/**
 * The pipeline one artifact goes through, as named steps: stage → scan →
 * (hold or quarantine) → convert → rescan → sign → publish. Each step
 * records its evidence; any failure leaves the artifact in quarantine with
 * the reason. Running it twice is harmless: a published or quarantined
 * artifact is left as it is.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { convert } from '../../convert/index.js';
import type { ScanReport } from '../../findings/report.js';
import { scanDirectory, scanPaths } from '../../scan/directory.js';
import { attestScan } from '../../sign/attest.js';
import { rootDigest } from '../../sign/manifest/manifest.js';
import { signModel } from '../../sign/sign.js';
import type { Sql } from '../db/sql.js';
import { RegistryError } from '../errors.js';
import { audit } from '../store/audit.js';
import { addRevision, addStep, getArtifact, setState, type Artifact, type PublishedFile } from '../store/artifacts.js';
import { hashFile, type BlobStore } from '../store/blobs.js';
import { claimBlob } from '../store/gc.js';
import { markMissing } from '../store/missing.js';
import { explain, headline } from './explain.js';
import { ENGINE, policyFingerprint } from './fingerprint.js';
import type { RegistryKey } from './keys.js';
import { LeaseLost, write, type Lease } from './lease.js';

export { ENGINE };
export const SIGNATURE_FILE = 'model.sig';
export const ATTESTATION_FILE = 'modelguard-scan.sig';

export interface PipelineDeps {
  sql: Sql;
  blobs: BlobStore;
  key: RegistryKey;
  workDir: string;
  /**
   * Test-only: wait this long before scanning (MODELGUARD_TEST_SCAN_DELAY_MS),
   * so a test can kill a worker process while it holds a job. Never set in service.
   */
  testScanDelayMs?: number;
  /** Test-only: awaited before each pipeline's scan and each rescan, so a test can hold a job while it watches the queue. Never set in service. */
  testHold?: (artifactId: number) => Promise<void>;
}

/** Kinds published as they are: nothing in them runs when loaded. */
const AS_IS = new Set(['model-data-only', 'data-container', 'media', 'text']);

class Stop extends Error {
  readonly state: 'held' | 'quarantined';
  constructor(state: 'held' | 'quarantined', reason: string) {
    super(reason);
    this.state = state;
  }
}

/** Another run of the same job finished the artifact while this one worked: this run stops and records nothing. */
class Superseded extends Error {}

/**
 * Runs the pipeline of one artifact. With a lease (a queue's worker), every
 * write checks that this worker still holds the job: one that lost it to
 * another worker abandons its run and records nothing (lease.ts).
 */
export async function runPipeline(d: PipelineDeps, artifactId: number, lease?: Lease): Promise<Artifact['state']> {
  const a = await getArtifact(d.sql, artifactId);
  if (a.state === 'published' || a.state === 'quarantined') return a.state;
  if (a.state === 'held' && a.override === null) return a.state;
  const run: Run = { d, a, lease };
  // Only from the state just read: a second run of the same job that lost the race changes nothing.
  if (!(await write(d.sql, lease, async (tx) => setState(tx, a.id, 'processing', {}, a.state)))) return (await getArtifact(d.sql, a.id)).state;
  // A private folder per run: a job retried while a stalled run still works must not share files with it.
  const work = join(d.workDir, `${a.id}-${randomBytes(6).toString('hex')}`);
  try {
    if (d.testScanDelayMs !== undefined && d.testScanDelayMs > 0) await new Promise((r) => setTimeout(r, d.testScanDelayMs));
    if (d.testHold !== undefined) await d.testHold(a.id);
    lease?.check();
    const input = await stage(d, a, work).catch(async (e: unknown) => {
      // A blob gone from the store: recorded (store/missing.ts) and quarantined once; an upload of the same file brings it back.
      if (e instanceof RegistryError && e.code === 'E_NOT_FOUND' && !(await d.blobs.has(a.sha256))) {
        await write(d.sql, lease, async (tx) => markMissing(tx, a, { digests: [a.sha256], by: 'pipeline' }));
        throw new Stop('quarantined', `blob missing from the store: ${a.sha256.slice(0, 12)}… (upload the same file again to restore it)`);
      }
      throw e;
    });
    const report = await scanStep(run, input);
    const out = await convertStep(run, input, report, work);
    const outReport = await rescanStep(run, out);
    const signed = await signStep(run, out, outReport, work);
    await publishStep(run, out, signed);
    return 'published';
  } catch (e) {
    if (e instanceof Superseded || e instanceof LeaseLost) return (await getArtifact(d.sql, a.id)).state;
    // The blob store failing under the work (S3 away) is not the file's fault: the queue runs the job again, up to MAX_ATTEMPTS.
    if (e instanceof RegistryError && e.code === 'E_STORAGE') throw e;
    const state = e instanceof Stop ? e.state : 'quarantined';
    const reason = e instanceof Stop ? e.message : `the pipeline failed: ${(e as Error).message}`;
    try {
      await write(d.sql, lease, async (tx) => {
        // Only this run's own outcome: another run of the same job may have finished it meanwhile.
        if (!(await setState(tx, a.id, state, { reason }, 'processing'))) return;
        if (!(e instanceof Stop)) await addStep(tx, a.id, 'error', 'failed', { error: (e as Error).message });
        await audit(tx, 'pipeline', state === 'held' ? 'hold' : 'quarantine', `${a.org}/${a.model}#${a.id}`, { reason });
      });
    } catch (lost) {
      if (!(lost instanceof LeaseLost)) throw lost;
    }
    return (await getArtifact(d.sql, a.id)).state;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One run of the pipeline: what each step needs. */
interface Run {
  d: PipelineDeps;
  a: Artifact;
  lease: Lease | undefined;
}

/** Records a step's evidence (only while this run holds its job). */
async function step(r: Run, name: string, status: string, evidence: Record<string, unknown>): Promise<void> {
  await write(r.d.sql, r.lease, async (tx) => addStep(tx, r.a.id, name, status, evidence));
}

/** A private copy under the original name (formats are sniffed from content; the name only helps messages). */
async function stage(d: PipelineDeps, a: Artifact, work: string): Promise<string> {
  const dir = join(work, 'in');
  mkdirSync(dir, { recursive: true });
  const input = join(dir, a.filename);
  await d.blobs.copyTo(a.sha256, input);
  return input;
}

async function scanStep(r: Run, input: string): Promise<ScanReport> {
  const { a } = r;
  const report = await scanPaths([basename(input)], { cwd: join(input, '..') });
  const files = explain(report);
  const recorded = await write(r.d.sql, r.lease, async (tx) => {
    if (!(await setState(tx, a.id, 'processing', { verdict: report.verdict, engine: ENGINE, policy: policyFingerprint(), report: files }, 'processing')))
      return false;
    await addStep(tx, a.id, 'scan', report.verdict, { engine: ENGINE, verdict: report.verdict, files });
    return true;
  });
  if (!recorded) throw new Superseded();
  switch (report.verdict) {
    case 'malicious':
    case 'unscannable':
      throw new Stop('quarantined', `${report.verdict}: ${headline(report)}`);
    case 'suspicious':
      if (a.override === null) throw new Stop('held', `suspicious: ${headline(report)} (a reviewer may release it with a recorded reason)`);
      return report;
    case 'clean':
      return report;
  }
}

/** The published name of a converted checkpoint. */
export function safetensorsName(filename: string): string {
  if (filename === 'pytorch_model.bin') return 'model.safetensors';
  const ext = extname(filename);
  return `${ext === '' ? filename : filename.slice(0, -ext.length)}.safetensors`;
}

async function convertStep(r: Run, input: string, report: ScanReport, work: string): Promise<string> {
  const { a } = r;
  const out = join(work, 'out');
  mkdirSync(out, { recursive: true });
  const file = report.files[0];
  const kind = file?.kind ?? 'unknown';
  if (file?.format === 'safetensors' || AS_IS.has(kind)) {
    copyFileSync(input, join(out, a.filename));
    await step(r, 'convert', 'skipped', { why: `${file?.format ?? 'unknown'} (${kind}) holds no code; published as uploaded` });
    return out;
  }
  if (kind !== 'model-code-carrying') {
    await step(r, 'convert', 'refused', { kind });
    throw new Stop('quarantined', `a ${kind} file is not published: upload model files one by one`);
  }
  const target = join(out, safetensorsName(a.filename));
  try {
    const c = await convert(input, target, { verify: true, metadata: { source_sha256: a.sha256, converted_by: ENGINE } });
    await step(r, 'convert', 'done', {
      from: a.filename,
      to: basename(target),
      tensors: c.tensors,
      bytes: c.bytes,
      leftBehind: c.leftBehind.length,
      verified: c.verified !== undefined,
    });
  } catch (e) {
    if (e instanceof LeaseLost) throw e;
    await step(r, 'convert', 'failed', { error: (e as Error).message });
    throw new Stop('quarantined', `could not convert to safetensors (${(e as Error).message}); code-carrying formats are never published as they are`);
  }
  return out;
}

/** Defence in depth: what will be published is scanned again and must be clean. */
async function rescanStep(r: Run, out: string): Promise<ScanReport> {
  const { a } = r;
  const report = await scanDirectory(out);
  await step(r, 'rescan', report.verdict, { files: explain(report) });
  if (report.verdict !== 'clean' && !(report.verdict === 'suspicious' && a.override !== null))
    throw new Stop('quarantined', `the file to publish scanned ${report.verdict}: ${headline(report)}`);
  return report;
}

interface Signed {
  rev: string;
  signature: string;
  attestation: string;
}

async function signStep(r: Run, out: string, report: ScanReport, work: string): Promise<Signed> {
  const { d } = r;
  r.lease?.check();
  const method = { method: 'key' as const, privateKey: d.key.privateKey };
  const signature = join(work, SIGNATURE_FILE);
  const attestation = join(work, ATTESTATION_FILE);
  const signed = await signModel(out, method, { signature, ignorePaths: [ATTESTATION_FILE] });
  await attestScan(out, report, method, { output: attestation, ignorePaths: [SIGNATURE_FILE] });
  const rev = rootDigest(signed.manifest.resources);
  await step(r, 'sign', 'done', { rev, method: 'key', signer: d.key.publicPem.trim(), files: [SIGNATURE_FILE, ATTESTATION_FILE] });
  return { rev, signature, attestation };
}

async function publishStep(r: Run, out: string, s: Signed): Promise<void> {
  const { d, a } = r;
  const files: PublishedFile[] = [];
  for (const name of readdirSync(out).sort()) {
    const path = join(out, name);
    const size = statSync(path).size;
    const sha = await hashFile(path);
    await claimBlob(d.sql, sha); // garbage collection keeps it until the publication refers to it (store/gc.ts)
    await d.blobs.adopt(path, sha);
    files.push({ name, sha256: sha, size });
  }
  for (const [name, path] of [
    [SIGNATURE_FILE, s.signature],
    [ATTESTATION_FILE, s.attestation],
  ] as const) {
    const sha = await hashFile(path);
    const size = statSync(path).size;
    await claimBlob(d.sql, sha);
    await d.blobs.adopt(path, sha);
    files.push({ name, sha256: sha, size });
  }
  await write(d.sql, r.lease, async (tx) => {
    // Publish once: a second run of the same job (a retry after a stall) finds it published and changes nothing.
    await tx.query('select id from artifacts where id = $1 for update', [a.id]);
    if (!(await setState(tx, a.id, 'published', { reason: `published as revision ${s.rev.slice(0, 12)}`, revision: s.rev }, 'processing'))) return;
    await addRevision(tx, { org: a.org, model: a.model, rev: s.rev, artifactId: a.id, files });
    await addStep(tx, a.id, 'publish', 'done', { rev: s.rev, files });
    await audit(tx, 'pipeline', 'publish', `${a.org}/${a.model}@${s.rev}`, { artifact: a.id });
  });
}
