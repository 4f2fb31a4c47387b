/**
 * Artifacts (one uploaded file each), the steps of their pipeline with the
 * evidence of each, and the published revisions. States:
 * `queued` → `processing` → `published`, or `held` (suspicious: waits for a
 * reviewer) or `quarantined` (malicious, unscannable, or a step failed).
 * Only `published` artifacts are ever served.
 */
import type { Sql } from '../db/sql.js';
import { RegistryError } from '../errors.js';

export type ArtifactState = 'queued' | 'processing' | 'held' | 'quarantined' | 'published';

export interface Artifact {
  id: number;
  org: string;
  model: string;
  filename: string;
  sha256: string;
  size: number;
  uploadedBy: string;
  createdAt: string;
  state: ArtifactState;
  reason: string;
  verdict: string | null;
  engine: string | null;
  /** The policy fingerprint the verdict was reached with (pipeline/fingerprint.ts). */
  policy: string | null;
  report: unknown;
  /** A reviewer's release, with the rule ids it covers (`rules`, absent in releases recorded before they were). */
  override: { by: string; reason: string; at: string; rules?: string[] } | null;
  revision: string | null;
  /** The blobs found missing from the store (store/missing.ts); null when none is known to be. Such an artifact is not served. */
  blobMissing: { digests: string[]; by: string; at: string } | null;
  /** Its revision was dropped by the retention policy (store/retention.ts): nothing of it is served, and its blobs may be collected. */
  retired: { rev: string; keep: number; at: string } | null;
}

export interface Step {
  step: string;
  status: string;
  at: string;
  evidence: Record<string, unknown>;
}

export interface PublishedFile {
  name: string;
  sha256: string;
  size: number;
}

export interface Revision {
  org: string;
  model: string;
  rev: string;
  artifactId: number;
  createdAt: string;
  files: PublishedFile[];
}

const ORG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Model and file names become URL parts and file names: a strict alphabet, no `..`, no slashes. */
export function checkNames(org: string, model: string, filename: string): void {
  if (!ORG.test(org) || !ORG.test(model) || org.includes('..') || model.includes('..'))
    throw new RegistryError('E_BAD_REQUEST', 'organisation and model names are 1-96 of A-Z a-z 0-9 . _ - (no ..)');
  if (!FILE.test(filename) || filename.includes('..')) throw new RegistryError('E_BAD_REQUEST', 'file names are 1-200 of A-Z a-z 0-9 . _ - (no ..)');
}

type ArtifactRow = Record<string, unknown>;

function toArtifact(r: ArtifactRow): Artifact {
  return {
    id: Number(r['id']),
    org: String(r['org']),
    model: String(r['model']),
    filename: String(r['filename']),
    sha256: String(r['sha256']),
    size: Number(r['size']),
    uploadedBy: String(r['uploaded_by']),
    createdAt: new Date(r['created_at'] as string).toISOString(),
    state: r['state'] as ArtifactState,
    reason: String(r['reason']),
    verdict: (r['verdict'] as string | null) ?? null,
    engine: (r['engine'] as string | null) ?? null,
    policy: (r['policy'] as string | null) ?? null,
    report: r['report'] ?? null,
    override: (r['override'] as Artifact['override']) ?? null,
    revision: (r['revision'] as string | null) ?? null,
    blobMissing: (r['blob_missing'] as Artifact['blobMissing']) ?? null,
    retired: (r['retired'] as Artifact['retired']) ?? null,
  };
}

/**
 * Records an uploaded blob as a quarantined artifact and queues its pipeline, in one transaction.
 * With `upload`, once per tus upload: the upload row is locked, and an artifact it already has is returned.
 */
export async function createArtifact(
  sql: Sql,
  a: { org: string; model: string; filename: string; sha256: string; size: number; uploadedBy: string; upload?: string },
): Promise<number> {
  checkNames(a.org, a.model, a.filename);
  return sql.transaction(async (tx) => {
    if (a.upload !== undefined) {
      const u = await tx.query<{ artifact_id: string | null }>('select artifact_id from uploads where id = $1 for update', [a.upload]);
      if (u[0] === undefined) throw new RegistryError('E_NOT_FOUND', 'no such upload');
      if (u[0].artifact_id !== null) return Number(u[0].artifact_id);
    }
    const rows = await tx.query<{ id: string }>(
      `insert into artifacts (org, model, filename, sha256, size, uploaded_by, state) values ($1, $2, $3, $4, $5, $6, 'queued') returning id`,
      [a.org, a.model, a.filename, a.sha256, a.size, a.uploadedBy],
    );
    const id = Number(rows[0]?.id);
    await tx.query(`insert into steps (artifact_id, step, status, evidence) values ($1, 'upload', 'done', $2)`, [
      id,
      JSON.stringify({ sha256: a.sha256, size: a.size, by: a.uploadedBy }),
    ]);
    await tx.query('insert into jobs (artifact_id) values ($1)', [id]);
    if (a.upload !== undefined) await tx.query('update uploads set artifact_id = $2, received = length where id = $1', [a.upload, id]);
    return id;
  });
}

export async function getArtifact(sql: Pick<Sql, 'query'>, id: number): Promise<Artifact> {
  const rows = await sql.query('select * from artifacts where id = $1', [id]);
  const r = rows[0];
  if (r === undefined) throw new RegistryError('E_NOT_FOUND', `no artifact ${id}`);
  return toArtifact(r);
}

export async function modelArtifacts(sql: Sql, org: string, model: string): Promise<Artifact[]> {
  return (await sql.query('select * from artifacts where org = $1 and model = $2 order by id desc', [org, model])).map(toArtifact);
}

export interface ModelSummary {
  org: string;
  model: string;
  latest: Artifact;
  artifacts: number;
}

export async function listModels(sql: Sql): Promise<ModelSummary[]> {
  const rows = await sql.query(
    `select a.*, c.n from artifacts a join (select org, model, max(id) as top, count(*) as n from artifacts group by org, model) c on a.id = c.top order by a.org, a.model`,
  );
  return rows.map((r) => ({ org: String(r['org']), model: String(r['model']), latest: toArtifact(r), artifacts: Number(r['n']) }));
}

export async function addStep(sql: Pick<Sql, 'query'>, artifactId: number, step: string, status: string, evidence: Record<string, unknown>): Promise<void> {
  await sql.query('insert into steps (artifact_id, step, status, evidence) values ($1, $2, $3, $4)', [artifactId, step, status, JSON.stringify(evidence)]);
}

export async function steps(sql: Sql, artifactId: number): Promise<Step[]> {
  const rows = await sql.query<{ step: string; status: string; at: Date; evidence: Record<string, unknown> }>(
    'select step, status, at, evidence from steps where artifact_id = $1 order by id',
    [artifactId],
  );
  return rows.map((r) => ({ step: r.step, status: r.status, at: new Date(r.at).toISOString(), evidence: r.evidence }));
}

export async function setState(
  sql: Pick<Sql, 'query'>,
  id: number,
  state: ArtifactState,
  fields: { reason?: string; verdict?: string; engine?: string; policy?: string; report?: unknown; revision?: string } = {},
  /** Change it only from this state (a concurrent run of the same job must not undo what another finished). */
  from?: ArtifactState,
): Promise<boolean> {
  const rows = await sql.query(
    `update artifacts set state = $2, reason = coalesce($3, reason), verdict = coalesce($4, verdict), engine = coalesce($5, engine),
       report = coalesce($6, report), revision = coalesce($7, revision), policy = coalesce($8, policy) where id = $1 and ($9::text is null or state = $9)
       returning id`,
    [
      id,
      state,
      fields.reason ?? null,
      fields.verdict ?? null,
      fields.engine ?? null,
      fields.report === undefined ? null : JSON.stringify(fields.report),
      fields.revision ?? null,
      fields.policy ?? null,
      from ?? null,
    ],
  );
  return rows.length > 0;
}

export async function addRevision(sql: Pick<Sql, 'query'>, r: Omit<Revision, 'createdAt'>): Promise<void> {
  await sql.query('insert into revisions (org, model, rev, artifact_id, files) values ($1, $2, $3, $4, $5) on conflict do nothing', [
    r.org,
    r.model,
    r.rev,
    r.artifactId,
    JSON.stringify(r.files),
  ]);
}

/** A revision is served only while its artifact is published (a rescan that finds it unsafe quarantines it) and none of its blobs is known missing. */
const SERVED = `join artifacts a on a.id = r.artifact_id and a.state = 'published' and a.blob_missing is null`;

/** A revision by id or prefix (at least 7 hex digits), or `main`: the newest. */
export async function findRevision(sql: Sql, org: string, model: string, rev: string): Promise<Revision> {
  let rows;
  if (rev === 'main') {
    rows = await sql.query(`select r.* from revisions r ${SERVED} where r.org = $1 and r.model = $2 order by r.created_at desc, r.artifact_id desc limit 1`, [
      org,
      model,
    ]);
  } else if (/^[0-9a-f]{7,64}$/.test(rev)) {
    rows = await sql.query(`select r.* from revisions r ${SERVED} where r.org = $1 and r.model = $2 and r.rev like $3 order by r.created_at desc limit 2`, [
      org,
      model,
      `${rev}%`,
    ]);
    if (rows.length > 1) throw new RegistryError('E_CONFLICT', `revision ${rev} is ambiguous`);
  } else {
    throw new RegistryError('E_NOT_FOUND', `no revision ${rev}`);
  }
  const r = rows[0];
  if (r === undefined) throw new RegistryError('E_NOT_FOUND', `no published revision ${rev} of ${org}/${model}`);
  return {
    org,
    model,
    rev: String(r['rev']),
    artifactId: Number(r['artifact_id']),
    createdAt: new Date(r['created_at'] as string).toISOString(),
    files: r['files'] as PublishedFile[],
  };
}
