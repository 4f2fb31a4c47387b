/**
 * Resumable uploads, tus 1.0.0 core with the creation and termination
 * extensions (https://tus.io/protocols/resumable-upload). The partial file
 * on disk is the truth about the offset; SHA-256 is computed as the bytes
 * arrive (and recomputed from the partial file when an upload resumes in a
 * process that did not see its beginning, e.g. after a restart). A finished
 * upload becomes a content-addressed blob and a quarantined artifact.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from '../db/sql.js';
import { RegistryError } from '../errors.js';
import type { Ctx } from '../http/router.js';
import { requireRole } from '../auth/users.js';
import { createArtifact, checkNames } from '../store/artifacts.js';
import { audit } from '../store/audit.js';
import type { BlobStore } from '../store/blobs.js';

export const TUS_VERSION = '1.0.0';
/** Upload-Metadata header size (CWE-400). */
export const MAX_METADATA_BYTES = 4096;

export interface UploadDeps {
  sql: Sql;
  blobs: BlobStore;
  dir: string;
  /** Largest upload accepted (CWE-400: disk exhaustion). */
  maxBytes: number;
  /** Called when an artifact was queued. */
  queued: (artifactId: number) => void;
}

interface Progress {
  hash: Hash;
  offset: number;
}

export class TusUploads {
  readonly #d: UploadDeps;
  /** Hash state of uploads this process is receiving; rebuilt from the file when missing. */
  readonly #progress = new Map<string, Progress>();
  /** Uploads with a PATCH in flight in this process: a second one is refused (409). */
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

  #part(id: string): string {
    return join(this.#d.dir, `${id}.part`);
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
    createWriteStream(this.#part(id)).end();
    await audit(this.#d.sql, user.name, 'upload.create', `${org}/${model}/${filename}`, { upload: id, length });
    const headers: Record<string, string> = { ...this.headers(), location: `/api/uploads/${id}`, 'content-length': '0' };
    if (length === 0) headers['upload-artifact'] = String(await this.#finish(id, user.name));
    ctx.res.writeHead(201, headers);
    ctx.res.end();
  }

  async #upload(ctx: Ctx): Promise<{ id: string; length: number; org: string; model: string; filename: string; artifact: number | null }> {
    const user = requireRole(ctx.user, 'uploader');
    const id = ctx.params['id'] ?? '';
    const rows = await this.#d.sql.query<{ user_name: string; length: string; org: string; model: string; filename: string; artifact_id: string | null }>(
      'select user_name, length, org, model, filename, artifact_id from uploads where id = $1',
      [id],
    );
    const r = rows[0];
    // Someone else's upload is as invisible as a missing one.
    if (r === undefined || r.user_name !== user.name) throw new RegistryError('E_NOT_FOUND', 'no such upload');
    return { id, length: Number(r.length), org: r.org, model: r.model, filename: r.filename, artifact: r.artifact_id === null ? null : Number(r.artifact_id) };
  }

  #offset(id: string, length: number, artifact: number | null): number {
    if (artifact !== null) return length;
    try {
      return statSync(this.#part(id)).size;
    } catch {
      return 0;
    }
  }

  async head(ctx: Ctx): Promise<void> {
    this.#checkVersion(ctx);
    const u = await this.#upload(ctx);
    const headers: Record<string, string> = {
      ...this.headers(),
      'upload-offset': String(this.#offset(u.id, u.length, u.artifact)),
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
      const offset = this.#offset(u.id, u.length, u.artifact);
      if (claimed !== offset || u.artifact !== null) throw new RegistryError('E_CONFLICT', `the upload is at offset ${offset}`);
      const declared = ctx.req.headers['content-length'];
      if (declared !== undefined && offset + Number(declared) > u.length) throw new RegistryError('E_TOO_LARGE', 'the body goes past Upload-Length');
      const progress = await this.#hashState(u.id, offset);
      const end = await this.#append(ctx, u.id, progress, u.length);
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
    rmSync(this.#part(u.id), { force: true });
    this.#progress.delete(u.id);
    await this.#d.sql.query('delete from uploads where id = $1', [u.id]);
    ctx.res.writeHead(204, this.headers());
    ctx.res.end();
  }

  async #hashState(id: string, offset: number): Promise<Progress> {
    const known = this.#progress.get(id);
    if (known !== undefined && known.offset === offset) return known;
    const hash = createHash('sha256');
    if (offset > 0) for await (const chunk of createReadStream(this.#part(id), { start: 0, end: offset - 1 })) hash.update(chunk as Buffer);
    const p = { hash, offset };
    this.#progress.set(id, p);
    return p;
  }

  /** Appends the body, hashing what is written; stops at the first byte past the declared length. */
  async #append(ctx: Ctx, id: string, p: Progress, length: number): Promise<number> {
    const out = createWriteStream(this.#part(id), { flags: 'a' });
    const finished = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
    });
    let over = false;
    try {
      for await (const chunk of ctx.req) {
        const buf = chunk as Buffer;
        if (p.offset + buf.length > length) {
          over = true;
          break;
        }
        p.hash.update(buf);
        p.offset += buf.length;
        if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', resolve));
      }
    } catch {
      // The client went away mid-body: what arrived is kept; the client resumes from HEAD's offset.
    } finally {
      out.end();
      await finished;
    }
    if (over) throw new RegistryError('E_TOO_LARGE', 'the body goes past Upload-Length');
    return p.offset;
  }

  async #finish(id: string, who: string): Promise<number> {
    const p = await this.#hashState(id, statSync(this.#part(id)).size);
    const sha256 = p.hash.digest('hex');
    this.#progress.delete(id);
    const rows = await this.#d.sql.query<{ org: string; model: string; filename: string; length: string }>(
      'select org, model, filename, length from uploads where id = $1',
      [id],
    );
    const u = rows[0];
    if (u === undefined) throw new RegistryError('E_NOT_FOUND', 'no such upload');
    await this.#d.blobs.adopt(this.#part(id), sha256);
    const artifact = await createArtifact(this.#d.sql, { org: u.org, model: u.model, filename: u.filename, sha256, size: Number(u.length), uploadedBy: who });
    await this.#d.sql.query('update uploads set artifact_id = $2, received = length where id = $1', [id, artifact]);
    await audit(this.#d.sql, who, 'upload.complete', `${u.org}/${u.model}/${u.filename}`, { upload: id, artifact, sha256 });
    this.#d.queued(artifact);
    return artifact;
  }
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
