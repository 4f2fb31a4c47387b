/**
 * Resumable uploads, tus 1.0.0 core with the creation and termination
 * extensions (https://tus.io/protocols/resumable-upload). The database is
 * the truth about an upload: its offset (`uploads.received`) and its parts
 * (`upload_parts`). Each PATCH body is spooled to this process's disk while
 * it arrives (hashed as it is written), then stored in the blob store as one
 * part (blobs.ts), then committed: the offset moves only if no other request
 * moved it meanwhile (a compare-and-set), so two web processes writing one
 * upload at once cannot interleave bytes; the loser's part is deleted and it
 * answers 409. Any web process sharing the database and the blob store can
 * therefore continue an upload another one began, or one cut by a restart.
 *
 * When the last byte is committed, the parts are assembled (read in order
 * and hashed; a single part is adopted in place) into a content-addressed
 * blob and a quarantined artifact, once per upload.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from '../db/sql.js';
import { RegistryError } from '../errors.js';
import type { Ctx } from '../http/router.js';
import { requireRole } from '../auth/users.js';
import { createArtifact, checkNames } from '../store/artifacts.js';
import { audit } from '../store/audit.js';
import type { BlobStore } from '../store/blobs.js';
import { claimBlob } from '../store/gc.js';
import { healMissing } from '../store/missing.js';

export const TUS_VERSION = '1.0.0';
/** Upload-Metadata header size (CWE-400). */
export const MAX_METADATA_BYTES = 4096;
/** PATCHes (parts) per upload (CWE-400: a client sending a multi-GB file a few bytes at a time would fill the part table). */
export const MAX_UPLOAD_PARTS = 10_000;

export interface UploadDeps {
  sql: Sql;
  blobs: BlobStore;
  /** Where PATCH bodies are spooled before they are stored as parts (this process's disk). */
  dir: string;
  /** Largest upload accepted (CWE-400: disk exhaustion). */
  maxBytes: number;
  /** Called when an artifact was queued. */
  queued: (artifactId: number) => void;
  /** Test-only: spool every PATCH body to this path instead (a test names /dev/full to see a full disk). Never set in service. */
  testSpoolPath?: string;
}

interface Upload {
  id: string;
  length: number;
  received: number;
  parts: number;
  artifact: number | null;
}

interface Spooled {
  path: string;
  size: number;
  sha256: string;
}

interface Part {
  start: number;
  size: number;
  sha256: string;
  name: string;
}

export class TusUploads {
  readonly #d: UploadDeps;
  /** Uploads with a PATCH in flight in this process: a second one is refused at once (409); other processes are kept out by the commit's compare-and-set. */
  readonly #busy = new Set<string>();

  constructor(d: UploadDeps) {
    this.#d = d;
    mkdirSync(d.dir, { recursive: true });
  }

  headers(): Record<string, string> {
    return {
      'tus-resumable': TUS_VERSION,
      'tus-version': TUS_VERSION,
      'tus-extension': 'creation,termination',
      'tus-max-size': String(this.#d.maxBytes),
    };
  }

  #checkVersion(ctx: Ctx): void {
    if (ctx.req.method !== 'OPTIONS' && ctx.req.headers['tus-resumable'] !== TUS_VERSION) {
      ctx.res.writeHead(412, { ...this.headers(), 'content-length': '0' });
      ctx.res.end();
      throw new Handled();
    }
  }

  async options(ctx: Ctx): Promise<void> {
    ctx.res.writeHead(204, this.headers());
    ctx.res.end();
    return Promise.resolve();
  }

  async create(ctx: Ctx): Promise<void> {
    this.#checkVersion(ctx);
    const user = requireRole(ctx.user, 'uploader');
    const length = parseLength(ctx.req.headers['upload-length']);
    if (length > this.#d.maxBytes) throw new RegistryError('E_TOO_LARGE', `uploads are at most ${this.#d.maxBytes} bytes`);
    const meta = parseMetadata(ctx.req.headers['upload-metadata']);
    const org = meta.get('org') ?? '';
    const model = meta.get('model') ?? '';
    const filename = meta.get('filename') ?? '';
    checkNames(org, model, filename);
    const id = randomBytes(16).toString('hex');
    await this.#d.sql.query('insert into uploads (id, user_name, org, model, filename, length) values ($1, $2, $3, $4, $5, $6)', [
      id,
      user.name,
      org,
      model,
      filename,
      length,
    ]);
    await audit(this.#d.sql, user.name, 'upload.create', `${org}/${model}/${filename}`, { upload: id, length });
    const headers: Record<string, string> = { ...this.headers(), location: `/api/uploads/${id}`, 'content-length': '0' };
    if (length === 0) headers['upload-artifact'] = String(await this.#finish(id, user.name));
    ctx.res.writeHead(201, headers);
    ctx.res.end();
  }

  async #upload(ctx: Ctx): Promise<Upload> {
    const user = requireRole(ctx.user, 'uploader');
    const id = ctx.params['id'] ?? '';
    const rows = await this.#d.sql.query<{ user_name: string; length: string; received: string; parts: string; artifact_id: string | null }>(
      `select user_name, length, received, artifact_id, (select count(*) from upload_parts p where p.upload_id = u.id) as parts from uploads u where id = $1`,
      [id],
    );
    const r = rows[0];
    // Someone else's upload is as invisible as a missing one.
    if (r === undefined || r.user_name !== user.name) throw new RegistryError('E_NOT_FOUND', 'no such upload');
    const artifact = r.artifact_id === null ? null : Number(r.artifact_id);
    const length = Number(r.length);
    return { id, length, received: artifact === null ? Number(r.received) : length, parts: Number(r.parts), artifact };
  }

  async head(ctx: Ctx): Promise<void> {
    this.#checkVersion(ctx);
    const u = await this.#upload(ctx);
    if (u.artifact === null && u.received === u.length && !this.#busy.has(u.id)) {
      // Every byte is stored but the last PATCH failed to finish (the blob store or the disk failed): a client
      // asks HEAD after an error, so HEAD finishes it (once per upload; a failure leaves it for the next HEAD).
      this.#busy.add(u.id);
      try {
        u.artifact = await this.#finish(u.id, ctx.user?.name ?? 'unknown');
      } catch {
        // Answered below without Upload-Artifact; a PATCH of 0 bytes at the end offset retries too.
      } finally {
        this.#busy.delete(u.id);
      }
    }
    const headers: Record<string, string> = {
      ...this.headers(),
      'upload-offset': String(u.received),
      'upload-length': String(u.length),
      'cache-control': 'no-store',
    };
    if (u.artifact !== null) headers['upload-artifact'] = String(u.artifact);
    ctx.res.writeHead(200, headers);
    ctx.res.end();
  }

  async patch(ctx: Ctx): Promise<void> {
    this.#checkVersion(ctx);
    const u = await this.#upload(ctx);
    if (ctx.req.headers['content-type'] !== 'application/offset+octet-stream') {
      ctx.res.writeHead(415, { ...this.headers(), 'content-length': '0' });
      ctx.res.end();
      return;
    }
    const claimed = parseLength(ctx.req.headers['upload-offset']);
    if (this.#busy.has(u.id)) throw new RegistryError('E_CONFLICT', 'another request is writing this upload');
    this.#busy.add(u.id);
    try {
      if (claimed !== u.received || u.artifact !== null) throw new RegistryError('E_CONFLICT', `the upload is at offset ${u.received}`);
      const declared = ctx.req.headers['content-length'];
      if (declared !== undefined && u.received + Number(declared) > u.length) throw new RegistryError('E_TOO_LARGE', 'the body goes past Upload-Length');
      if (u.parts >= MAX_UPLOAD_PARTS && u.received < u.length)
        throw new RegistryError('E_TOO_LARGE', `an upload is at most ${MAX_UPLOAD_PARTS} PATCHes: send larger ones (terminate this upload and start again)`);
      const spooled = await this.#spool(ctx, u);
      const end = spooled === undefined ? u.received : await this.#commit(u, spooled);
      const headers: Record<string, string> = { ...this.headers(), 'upload-offset': String(end) };
      if (end === u.length) headers['upload-artifact'] = String(await this.#finish(u.id, ctx.user?.name ?? 'unknown'));
      ctx.res.writeHead(204, headers);
      ctx.res.end();
    } finally {
      this.#busy.delete(u.id);
    }
  }

  async terminate(ctx: Ctx): Promise<void> {
    this.#checkVersion(ctx);
    const u = await this.#upload(ctx);
    if (u.artifact !== null) throw new RegistryError('E_CONFLICT', 'the upload is complete; it is an artifact now');
    if (this.#busy.has(u.id)) throw new RegistryError('E_CONFLICT', 'another request is writing this upload');
    const parts = await this.#parts(u.id);
    await this.#d.sql.query('delete from uploads where id = $1', [u.id]); // its parts' rows go with it
    for (const p of parts) await this.#d.blobs.deletePart(p.name).catch(() => undefined); // a part left behind is garbage, not data
    ctx.res.writeHead(204, this.headers());
    ctx.res.end();
  }

  /**
   * Writes the body to a spool file of its own, hashing what is written; stops at the first byte past the
   * declared length. A client that goes away mid-body keeps what arrived. A disk that fails (full) keeps
   * nothing of this request: E_NO_SPACE (507) or E_STORAGE, and the upload stays at its offset.
   */
  async #spool(ctx: Ctx, u: Upload): Promise<Spooled | undefined> {
    const path = this.#d.testSpoolPath ?? join(this.#d.dir, `${u.id}.${randomBytes(6).toString('hex')}.spool`);
    const out = createWriteStream(path, { flags: this.#d.testSpoolPath === undefined ? 'wx' : 'w', mode: 0o600 });
    let failure: NodeJS.ErrnoException | undefined;
    out.on('error', (e) => {
      failure ??= e;
    });
    const closed = new Promise<void>((resolve) => out.once('close', resolve));
    const hash = createHash('sha256');
    let size = 0;
    let over = false;
    try {
      for await (const chunk of ctx.req) {
        const buf = chunk as Buffer;
        if (u.received + size + buf.length > u.length) {
          over = true;
          break;
        }
        // After a write failed, the rest of the body is read and dropped, so the client gets the answer instead of a reset.
        if (failure !== undefined) continue;
        hash.update(buf);
        size += buf.length;
        if (!out.write(buf)) await drained(out);
      }
    } catch {
      // The client went away mid-body: what arrived is kept; the client resumes from HEAD's offset.
    }
    out.end();
    await closed;
    if (failure !== undefined || over || size === 0) {
      if (this.#d.testSpoolPath === undefined) rmSync(path, { force: true });
      if (failure !== undefined) {
        const code = failure.code ?? 'EIO';
        throw new RegistryError(
          code === 'ENOSPC' || code === 'EDQUOT' ? 'E_NO_SPACE' : 'E_STORAGE',
          `the server could not spool the upload (${code}); nothing of this request was kept: try again from offset ${u.received}`,
          { cause: failure },
        );
      }
      if (over) throw new RegistryError('E_TOO_LARGE', 'the body goes past Upload-Length');
      return undefined;
    }
    return { path, size, sha256: hash.digest('hex') };
  }

  /** Stores the spooled body as a part and moves the offset, unless another request moved it first (409). Returns the new offset. */
  async #commit(u: Upload, s: Spooled): Promise<number> {
    const name = `${u.id}/${String(u.received).padStart(16, '0')}-${randomBytes(4).toString('hex')}`;
    try {
      await this.#d.blobs.putPart(name, s.path, s.sha256);
    } finally {
      rmSync(s.path, { force: true });
    }
    let end: number | undefined;
    try {
      end = await this.#d.sql.transaction(async (tx) => {
        const rows = await tx.query<{ received: string }>(
          'update uploads set received = received + $3, updated_at = now() where id = $1 and received = $2 and artifact_id is null returning received',
          [u.id, u.received, s.size],
        );
        if (rows[0] === undefined) return undefined;
        await tx.query('insert into upload_parts (upload_id, start, size, sha256, name) values ($1, $2, $3, $4, $5)', [
          u.id,
          u.received,
          s.size,
          s.sha256,
          name,
        ]);
        return Number(rows[0].received);
      });
    } finally {
      if (end === undefined) await this.#d.blobs.deletePart(name).catch(() => undefined);
    }
    if (end === undefined) throw new RegistryError('E_CONFLICT', 'another request wrote this upload meanwhile: ask HEAD for its offset');
    return end;
  }

  async #parts(id: string): Promise<Part[]> {
    const rows = await this.#d.sql.query<{ start: string; size: string; sha256: string; name: string }>(
      'select start, size, sha256, name from upload_parts where upload_id = $1 order by start',
      [id],
    );
    return rows.map((r) => ({ start: Number(r.start), size: Number(r.size), sha256: r.sha256, name: r.name }));
  }

  /** The whole upload as one blob and an artifact (once per upload, also when retried after a failure). */
  async #finish(id: string, who: string): Promise<number> {
    const rows = await this.#d.sql.query<{ org: string; model: string; filename: string; length: string }>(
      'select org, model, filename, length from uploads where id = $1',
      [id],
    );
    const u = rows[0];
    if (u === undefined) throw new RegistryError('E_NOT_FOUND', 'no such upload');
    const length = Number(u.length);
    const parts = await this.#parts(id);
    let at = 0;
    for (const p of parts) {
      if (p.start !== at) throw new RegistryError('E_STORAGE', `upload ${id} has a gap or overlap at byte ${at}`);
      at += p.size;
    }
    if (at !== length) throw new RegistryError('E_STORAGE', `upload ${id} holds ${at} of ${length} bytes`);
    const sha256 = await this.#assemble(id, parts);
    const artifact = await createArtifact(this.#d.sql, {
      org: u.org,
      model: u.model,
      filename: u.filename,
      sha256,
      size: length,
      uploadedBy: who,
      upload: id,
    });
    await this.#d.sql.query('delete from upload_parts where upload_id = $1', [id]);
    for (const p of parts) await this.#d.blobs.deletePart(p.name).catch(() => undefined);
    await audit(this.#d.sql, who, 'upload.complete', `${u.org}/${u.model}/${u.filename}`, { upload: id, artifact, sha256 });
    // The same content uploaded again heals the artifacts whose blob had gone missing (store/missing.ts).
    await healMissing(this.#d.sql, this.#d.blobs, sha256);
    this.#d.queued(artifact);
    return artifact;
  }

  /** Stores the parts, in order, as one blob; returns its digest. One part whose digest is known is adopted in place. */
  async #assemble(id: string, parts: readonly Part[]): Promise<string> {
    const { blobs } = this.#d;
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only !== undefined) await claimBlob(this.#d.sql, only.sha256); // garbage collection keeps it (store/gc.ts)
    if (only !== undefined && ((await blobs.has(only.sha256)) || (await blobs.adoptPart(only.name, only.sha256, only.size)))) return only.sha256;
    const path = join(this.#d.dir, `${id}.${randomBytes(6).toString('hex')}.whole`);
    const hash = createHash('sha256');
    try {
      const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
      let failure: NodeJS.ErrnoException | undefined;
      out.on('error', (e) => {
        failure ??= e;
      });
      const closed = new Promise<void>((resolve) => out.once('close', resolve));
      for (const p of parts) {
        let n = 0;
        for await (const chunk of await blobs.openPart(p.name)) {
          const buf = chunk as Buffer;
          n += buf.length;
          if (n > p.size) break;
          hash.update(buf);
          if (!out.write(buf)) await drained(out);
          if (failure !== undefined) break;
        }
        if (failure !== undefined) break;
        if (n !== p.size) {
          out.destroy();
          await closed;
          throw new RegistryError('E_STORAGE', `upload part ${p.name} holds ${n} bytes, not ${p.size}`);
        }
      }
      out.end();
      await closed;
      if (failure !== undefined) {
        const code = failure.code ?? 'EIO';
        throw new RegistryError(code === 'ENOSPC' || code === 'EDQUOT' ? 'E_NO_SPACE' : 'E_STORAGE', `the server could not assemble the upload (${code})`, {
          cause: failure,
        });
      }
      const sha256 = hash.digest('hex');
      await claimBlob(this.#d.sql, sha256);
      await blobs.adopt(path, sha256);
      return sha256;
    } finally {
      rmSync(path, { force: true });
    }
  }
}

/** Waits for a stream's buffer to drain, or for it to fail (an error never drains: waiting for `drain` alone would hang). */
async function drained(out: NodeJS.WritableStream): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}

/** Thrown by a handler that already answered. */
export class Handled extends Error {}

function parseLength(v: string | string[] | undefined): number {
  if (typeof v !== 'string' || !/^\d{1,16}$/.test(v)) throw new RegistryError('E_BAD_REQUEST', 'a non-negative integer header is missing or malformed');
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RegistryError('E_BAD_REQUEST', 'the number is too large');
  return n;
}

/** `key base64,key base64`: keys are ASCII without spaces or commas; values are base64. */
export function parseMetadata(v: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (v === undefined) return out;
  if (typeof v !== 'string' || v.length > MAX_METADATA_BYTES) throw new RegistryError('E_BAD_REQUEST', 'Upload-Metadata is malformed or too long');
  for (const pair of v.split(',')) {
    const [key, value, extra] = pair.trim().split(' ');
    if (key === undefined || key === '' || extra !== undefined || out.has(key)) throw new RegistryError('E_BAD_REQUEST', 'Upload-Metadata is malformed');
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new RegistryError('E_BAD_REQUEST', 'Upload-Metadata values are base64');
    out.set(key, value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8'));
  }
  return out;
}
