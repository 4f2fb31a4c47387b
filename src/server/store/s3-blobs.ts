/**
 * Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, s3rver…),
 * under `PREFIX/sha256/ab/abcdef…`, through AWS SDK v3. Credentials come
 * from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
 * a profile, an instance role) unless the configuration names them.
 *
 * A blob is PUT under its final key only once the file is complete and its
 * SHA-256 known; an S3 object becomes visible only when its PUT (or its
 * multipart upload) completes, so a reader never sees half a blob. Single
 * PUTs carry `x-amz-checksum-sha256`, which S3 checks against the body;
 * every read for the pipeline is hashed again on the way (`copyTo`).
 */
import { createHash } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  type _Object,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3BlobsConfig } from '../config.js';
import { RegistryError } from '../errors.js';
import { blobKey, checkedBytes, copyChecked, fileSize, isPartName, partKey, type BlobStore, type ByteRange, type StoredPart } from './blobs.js';

/** Files up to this size go in one PUT (with its SHA-256 checked by S3); larger ones in a multipart upload (S3 allows 5 GiB in one PUT). */
export const SINGLE_PUT_MAX = 64 * 1024 * 1024;
const MIN_PART = 16 * 1024 * 1024;
/** The largest object S3 copies in one CopyObject. */
export const COPY_MAX = 5 * 1024 ** 3;
/** S3 allows 10,000 parts; keep a margin. */
const MAX_PARTS = 9000;
const PARALLEL_PARTS = 4;

function status(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function storageError(what: string, e: unknown): RegistryError {
  if (e instanceof RegistryError) return e;
  if (status(e) === 404) return new RegistryError('E_NOT_FOUND', `${what}: not in the bucket`);
  const name = (e as Error).name;
  return new RegistryError(
    'E_STORAGE',
    `${what}: S3 answered ${name}${status(e) === undefined ? '' : ` (HTTP ${String(status(e))})`}: ${(e as Error).message}`,
  );
}

/**
 * The AWS SDK warns once per process, on its first client, that its releases
 * from 2027 need Node 22; modelguard supports Node 20, and the operator cannot
 * act on it. `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true` is the
 * SDK's own switch (read when a client is created); an operator who sets it
 * to anything else keeps the warning.
 */
export function quietNodeVersionWarning(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}

export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly multipartAbove: number;

  private constructor(client: S3Client, c: S3BlobsConfig) {
    this.client = client;
    this.bucket = c.bucket;
    this.prefix = c.prefix;
    this.multipartAbove = c.multipartAbove ?? SINGLE_PUT_MAX;
  }

  /** Connects and checks that the bucket exists and these credentials reach it (E_CONFIG otherwise). */
  static async open(c: S3BlobsConfig): Promise<S3BlobStore> {
    quietNodeVersionWarning();
    const options: S3ClientConfig = { region: c.region, forcePathStyle: c.forcePathStyle };
    if (c.endpoint !== undefined) options.endpoint = c.endpoint;
    if (c.credentials !== undefined) options.credentials = c.credentials;
    const client = new S3Client(options);
    try {
      await client.send(new HeadBucketCommand({ Bucket: c.bucket }));
    } catch (e) {
      client.destroy();
      throw new RegistryError(
        'E_CONFIG',
        `S3 bucket ${c.bucket}${c.endpoint === undefined ? '' : ` at ${c.endpoint}`} is not reachable (${status(e) === 404 ? 'no such bucket' : `${(e as Error).name}${status(e) === undefined ? '' : ` HTTP ${String(status(e))}`}`}); create it, or check MODELGUARD_S3_* and the AWS credentials`,
      );
    }
    return new S3BlobStore(client, c);
  }

  key(sha256: string): string {
    return `${this.prefix}${blobKey(sha256)}`;
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(sha256) }));
      return true;
    } catch (e) {
      if (status(e) === 404) return false;
      throw storageError(`blob ${sha256.slice(0, 12)}…`, e);
    }
  }

  async size(sha256: string): Promise<number> {
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(sha256) }));
      return h.ContentLength ?? 0;
    } catch (e) {
      throw storageError(`blob ${sha256.slice(0, 12)}…`, e);
    }
  }

  async adopt(file: string, sha256: string): Promise<void> {
    await this.putFile(file, sha256);
    rmSync(file, { force: true });
  }

  async putFile(file: string, sha256: string): Promise<void> {
    if (await this.has(sha256)) return;
    await this.#put(this.key(sha256), file, sha256, `storing blob ${sha256.slice(0, 12)}…`);
  }

  /** A finished file under `Key`: one PUT with its SHA-256 checked by S3, or a multipart upload above `multipartAbove`. */
  async #put(Key: string, file: string, sha256: string, what: string): Promise<void> {
    const size = fileSize(file);
    try {
      if (size <= this.multipartAbove) {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key,
            Body: createReadStream(file),
            ContentLength: size,
            ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
          }),
        );
      } else {
        const partSize = Math.max(MIN_PART, Math.ceil(size / MAX_PARTS));
        await new Upload({
          client: this.client,
          params: { Bucket: this.bucket, Key, Body: createReadStream(file) },
          partSize,
          queueSize: PARALLEL_PARTS,
          leavePartsOnError: false,
        }).done();
      }
    } catch (e) {
      throw storageError(what, e);
    }
  }

  async putBytes(data: Uint8Array | string): Promise<string> {
    const sha = createHash('sha256').update(data).digest('hex');
    if (await this.has(sha)) return sha;
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.key(sha), Body: body, ChecksumSHA256: Buffer.from(sha, 'hex').toString('base64') }),
      );
    } catch (e) {
      throw storageError(`storing blob ${sha.slice(0, 12)}…`, e);
    }
    return sha;
  }

  async open(sha256: string, range?: ByteRange): Promise<Readable> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.key(sha256),
          ...(range === undefined ? {} : { Range: `bytes=${String(range.start)}-${String(range.end)}` }),
        }),
      );
      if (!(r.Body instanceof Readable)) throw new RegistryError('E_STORAGE', 'S3 returned no body stream');
      return r.Body;
    } catch (e) {
      throw storageError(`blob ${sha256.slice(0, 12)}…`, e);
    }
  }

  async readBytes(sha256: string, maxBytes: number): Promise<Buffer> {
    if ((await this.size(sha256)) > maxBytes) throw new RegistryError('E_TOO_LARGE', `blob ${sha256.slice(0, 12)}… is larger than ${String(maxBytes)} bytes`);
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const chunk of await this.open(sha256)) {
      const b = chunk as Buffer;
      n += b.length;
      if (n > maxBytes) throw new RegistryError('E_TOO_LARGE', `blob ${sha256.slice(0, 12)}… is larger than ${String(maxBytes)} bytes`);
      chunks.push(b);
    }
    return checkedBytes(Buffer.concat(chunks), sha256);
  }

  async copyTo(sha256: string, file: string): Promise<void> {
    try {
      await copyChecked(await this.open(sha256), file, sha256);
    } catch (e) {
      throw storageError(`blob ${sha256.slice(0, 12)}…`, e);
    }
  }

  async delete(sha256: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(sha256) }));
    } catch (e) {
      throw storageError(`deleting blob ${sha256.slice(0, 12)}…`, e);
    }
  }

  async list(after: string | undefined, limit: number): Promise<string[]> {
    try {
      return await this.#listUnder(`${this.prefix}sha256/`, after === undefined ? undefined : this.key(after), limit, (key) => {
        const name = key.slice(key.lastIndexOf('/') + 1);
        return /^[0-9a-f]{64}$/.test(name) && key === this.key(name) ? name : undefined;
      });
    } catch (e) {
      throw storageError('listing blobs', e);
    }
  }

  async listParts(after: string | undefined, limit: number): Promise<StoredPart[]> {
    const root = `${this.prefix}uploads/`;
    try {
      return await this.#listUnder(root, after === undefined ? undefined : `${root}${after}`, limit, (key, o) => {
        const name = key.slice(root.length);
        return isPartName(name) ? { name, writtenMs: o.LastModified?.getTime() ?? Date.now() } : undefined;
      });
    } catch (e) {
      throw storageError('listing upload parts', e);
    }
  }

  /** What `pick` keeps of the objects under `root` after the key `marker`, page by page, until `limit` are kept or the listing ends. */
  async #listUnder<T>(root: string, marker: string | undefined, limit: number, pick: (key: string, o: _Object) => T | undefined): Promise<T[]> {
    const out: T[] = [];
    while (out.length < limit) {
      // ListObjects (v1, `Marker`): every S3-compatible server has it, and s3rver fails a truncated ListObjectsV2 page.
      const page = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.bucket,
          Prefix: root,
          MaxKeys: Math.min(1000, limit - out.length),
          ...(marker === undefined ? {} : { Marker: marker }),
        }),
      );
      const objects = (page.Contents ?? []).filter((o) => o.Key !== undefined);
      for (const o of objects) {
        const v = pick(o.Key as string, o);
        if (v !== undefined) out.push(v);
      }
      const last = objects.at(-1)?.Key;
      if (page.IsTruncated !== true || last === undefined) break;
      marker = last;
    }
    return out.slice(0, limit);
  }

  async putPart(name: string, file: string, sha256: string): Promise<void> {
    await this.#put(`${this.prefix}${partKey(name)}`, file, sha256, `storing upload part ${name}`);
    rmSync(file, { force: true });
  }

  async openPart(name: string): Promise<Readable> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${partKey(name)}` }));
      if (!(r.Body instanceof Readable)) throw new RegistryError('E_STORAGE', 'S3 returned no body stream');
      return r.Body;
    } catch (e) {
      throw storageError(`upload part ${name}`, e);
    }
  }

  async deletePart(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${partKey(name)}` }));
    } catch (e) {
      throw storageError(`deleting upload part ${name}`, e);
    }
  }

  /** A server-side copy (no bytes through this process), up to COPY_MAX; the digest was computed as the part arrived and S3 checked it on its PUT. */
  async adoptPart(name: string, sha256: string, size: number): Promise<boolean> {
    if (size > COPY_MAX || size > this.multipartAbove) return false; // a multipart part was not checked by S3 against the digest: assemble and check it
    if (!(await this.has(sha256))) {
      try {
        await this.client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: this.key(sha256),
            CopySource: `${this.bucket}/${this.prefix}${partKey(name)}`,
          }),
        );
      } catch (e) {
        throw storageError(`storing blob ${sha256.slice(0, 12)}…`, e);
      }
    }
    await this.deletePart(name);
    return true;
  }

  close(): void {
    this.client.destroy();
  }
}
