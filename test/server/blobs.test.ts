/**
 * The blob store contract, on the local folder and on a real S3-compatible
 * server (s3rver from `.ci/run`, MODELGUARD_TEST_S3): content addressing,
 * ranges, adopt/putFile, damaged content refused on the way out, the
 * configuration read from the environment.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { blobsFrom, defaultConfig } from '../../src/server/config.js';
import { LocalBlobStore, type BlobStore } from '../../src/server/store/blobs.js';
import { openBlobStore } from '../../src/server/store/open-blobs.js';
import { S3BlobStore } from '../../src/server/store/s3-blobs.js';
import { S3, emptyPrefix, testS3 } from './helpers.js';

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

async function readAll(s: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function contract(
  kind: 'local' | 's3',
  open: (dir: string) => Promise<{ store: BlobStore; damage: (sha256: string, bytes: Buffer) => Promise<void>; done: () => Promise<void> }>,
): void {
  describe(`blob store (${kind})`, () => {
    let dir: string;
    let store: BlobStore;
    let damage: (sha256: string, bytes: Buffer) => Promise<void>;
    let done: () => Promise<void>;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'mg-blobs-'));
      ({ store, damage, done } = await open(dir));
    });
    after(async () => {
      await done();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('stores a finished file under its SHA-256 and removes the file (adopt)', async () => {
      const data = randomBytes(100_000);
      const file = join(dir, 'a.tmp');
      writeFileSync(file, data);
      assert.equal(await store.has(sha(data)), false);
      await store.adopt(file, sha(data));
      assert.equal(existsSync(file), false);
      assert.equal(await store.has(sha(data)), true);
      assert.equal(await store.size(sha(data)), data.length);
      assert.deepEqual(await readAll(await store.open(sha(data))), data);
    });

    it('lists stored blobs in order, from a cursor, a page at a time (garbage collection walks the store so)', async () => {
      const digests: string[] = [];
      for (let i = 0; i < 5; i++) digests.push(await store.putBytes(`list ${String(i)} ${randomBytes(4).toString('hex')}`));
      const all = await store.list(undefined, 100_000);
      assert.deepEqual(all, [...all].sort());
      for (const d of digests) assert.ok(all.includes(d));
      const page = await store.list(undefined, 2);
      assert.equal(page.length, 2);
      assert.deepEqual(page, all.slice(0, 2));
      assert.deepEqual(await store.list(page[1], 3), all.slice(2, 5));
      assert.deepEqual(await store.list(all[all.length - 1], 10), []);
    });

    it('serves a byte range', async () => {
      const data = Buffer.from('0123456789abcdef');
      const digest = await store.putBytes(data);
      assert.equal(digest, sha(data));
      assert.equal((await readAll(await store.open(digest, { start: 3, end: 6 }))).toString(), '3456');
    });

    it('leaves the source of putFile alone and stores a blob once', async () => {
      const data = randomBytes(5000);
      const file = join(dir, 'b.tmp');
      writeFileSync(file, data);
      await store.putFile(file, sha(data));
      await store.putFile(file, sha(data));
      assert.deepEqual(readFileSync(file), data);
      const copy = join(dir, 'b.copy');
      writeFileSync(copy, data);
      await store.adopt(copy, sha(data));
      assert.equal(existsSync(copy), false, 'adopt of a blob that exists drops the file');
      assert.deepEqual(await store.readBytes(sha(data), 5000), data);
      await assert.rejects(store.readBytes(sha(data), 4999), { code: 'E_TOO_LARGE' });
    });

    it('copies a blob out with its digest checked, and refuses one whose content changed', async () => {
      const data = randomBytes(70_000);
      const digest = await store.putBytes(data);
      const out = join(dir, 'out.bin');
      await store.copyTo(digest, out);
      assert.deepEqual(readFileSync(out), data);
      rmSync(out);
      await damage(digest, Buffer.concat([data.subarray(0, 1000), Buffer.from('tampered')]));
      await assert.rejects(store.copyTo(digest, out), { code: 'E_STORAGE' });
      await assert.rejects(store.readBytes(digest, 1_000_000), { code: 'E_STORAGE' });
      assert.equal(existsSync(out), false, 'the damaged copy is removed');
    });

    it('answers E_NOT_FOUND for a blob it does not have, and deletes', async () => {
      const missing = sha('never stored');
      await assert.rejects(store.size(missing), { code: 'E_NOT_FOUND' });
      await assert.rejects(store.open(missing), { code: 'E_NOT_FOUND' });
      const digest = await store.putBytes('short-lived');
      await store.delete(digest);
      assert.equal(await store.has(digest), false);
    });

    it('refuses a name that is not a SHA-256 digest', async () => {
      await assert.rejects(store.has('../../etc/passwd'), { code: 'E_BAD_REQUEST' });
      await assert.rejects(store.open('ABC'), { code: 'E_BAD_REQUEST' });
    });

    describe('upload parts', () => {
      const upload = 'ab'.repeat(16);
      const part = (start: number, tag = '0badcafe'): string => `${upload}/${String(start).padStart(16, '0')}-${tag}`;

      it('stores a part (removing the file), reads it back and deletes it', async () => {
        const data = randomBytes(30_000);
        const file = join(dir, 'part.tmp');
        writeFileSync(file, data);
        await store.putPart(part(0), file, sha(data));
        assert.equal(existsSync(file), false);
        assert.deepEqual(await readAll(await store.openPart(part(0))), data);
        await store.deletePart(part(0));
        await assert.rejects(store.openPart(part(0)), { code: 'E_NOT_FOUND' });
        await store.deletePart(part(0)); // absent: nothing to do
      });

      it('keeps parts apart from blobs: a part is not a blob until adopted', async () => {
        const data = randomBytes(20_000);
        const file = join(dir, 'whole.tmp');
        writeFileSync(file, data);
        await store.putPart(part(0, '00000001'), file, sha(data));
        assert.equal(await store.has(sha(data)), false);
        assert.equal(await store.adoptPart(part(0, '00000001'), sha(data), data.length), true);
        assert.deepEqual(await readAll(await store.open(sha(data))), data);
        await assert.rejects(store.openPart(part(0, '00000001')), { code: 'E_NOT_FOUND' });
      });

      it('lists stored parts in order with when each was written, from a cursor, a page at a time (garbage collection walks them so)', async () => {
        const other = 'cd'.repeat(16);
        const names = [part(0, '0000000a'), part(16, '0000000b'), `${other}/${'0'.repeat(16)}-0000000c`];
        const t0 = Date.now() - 60_000; // clocks of S3 servers differ a little from this one
        for (const n of names) {
          const file = join(dir, 'listed.tmp');
          writeFileSync(file, n);
          await store.putPart(n, file, sha(n));
        }
        const all = await store.listParts(undefined, 1000);
        assert.deepEqual(
          all.map((p) => p.name),
          names,
        );
        for (const p of all) assert.ok(p.writtenMs > t0 && p.writtenMs < Date.now() + 60_000, String(p.writtenMs));
        assert.deepEqual(
          (await store.listParts(undefined, 2)).map((p) => p.name),
          names.slice(0, 2),
        );
        assert.deepEqual(
          (await store.listParts(names[1], 10)).map((p) => p.name),
          names.slice(2),
        );
        assert.deepEqual(await store.listParts(names[2], 10), []);
        for (const n of names) await store.deletePart(n);
        assert.deepEqual(await store.listParts(undefined, 10), []);
      });

      it('refuses part names that are not its own shape', async () => {
        for (const bad of ['../x', `${upload}/../../sha256/ab`, `${upload}/1-0badcafe`, `${upload.toUpperCase()}/${'0'.repeat(16)}-0badcafe`]) {
          await assert.rejects(store.openPart(bad), { code: 'E_BAD_REQUEST' }, bad);
          await assert.rejects(store.deletePart(bad), { code: 'E_BAD_REQUEST' }, bad);
        }
      });
    });
  });
}

contract('local', (dir) => {
  const store = new LocalBlobStore(join(dir, 'blobs'));
  return Promise.resolve({
    store,
    damage: (digest, bytes) => {
      writeFileSync(store.pathOf(digest), bytes);
      return Promise.resolve();
    },
    done: () => Promise.resolve(),
  });
});

if (S3 === undefined) {
  describe('blob store (s3)', () => {
    it('needs MODELGUARD_TEST_S3 (set by .ci/run)', { skip: 'MODELGUARD_TEST_S3 is not set' }, () => undefined);
  });
} else {
  contract('s3', async (dir) => {
    const c = testS3();
    const config = defaultConfig(dir);
    config.blobs = c;
    const store = await openBlobStore(config);
    assert.ok(store instanceof S3BlobStore, 'the configuration opens the S3 store');
    return {
      store,
      damage: async (digest, bytes) => {
        await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key: store.key(digest), Body: bytes }));
      },
      done: () => emptyPrefix(c),
    };
  });

  describe('blob store (s3): large files and configuration', () => {
    it('stores a file above the single-PUT size in a multipart upload', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mg-blobs-'));
      const c = { ...testS3(), multipartAbove: 1024 * 1024 };
      const store = await S3BlobStore.open(c);
      try {
        const data = randomBytes(17 * 1024 * 1024 + 5);
        const file = join(dir, 'big.tmp');
        writeFileSync(file, data);
        await store.adopt(file, sha(data));
        assert.equal(await store.size(sha(data)), data.length);
        const out = join(dir, 'big.out');
        await store.copyTo(sha(data), out);
        assert.equal(sha(readFileSync(out)), sha(data));
      } finally {
        store.close();
        await emptyPrefix(c);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses to start on a bucket that does not exist', async () => {
      await assert.rejects(S3BlobStore.open({ ...testS3(), bucket: 'no-such-bucket-here' }), { code: 'E_CONFIG', message: /no-such-bucket-here/ });
    });
  });
}

describe('blob store configuration from the environment', () => {
  it('is the local folder unless MODELGUARD_S3_BUCKET is set', () => {
    assert.deepEqual(blobsFrom({}), { kind: 'local' });
    assert.deepEqual(blobsFrom({ MODELGUARD_S3_BUCKET: '' }), { kind: 'local' });
  });

  it('reads bucket, endpoint, region, path style and prefix', () => {
    assert.deepEqual(blobsFrom({ MODELGUARD_S3_BUCKET: 'models', MODELGUARD_S3_ENDPOINT: 'http://127.0.0.1:9000', MODELGUARD_S3_PREFIX: 'reg' }), {
      kind: 's3',
      bucket: 'models',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      prefix: 'reg/',
    });
    assert.deepEqual(blobsFrom({ MODELGUARD_S3_BUCKET: 'models', AWS_REGION: 'eu-west-1' }), {
      kind: 's3',
      bucket: 'models',
      region: 'eu-west-1',
      forcePathStyle: false,
      prefix: '',
    });
    assert.equal(
      (
        blobsFrom({ MODELGUARD_S3_BUCKET: 'models', MODELGUARD_S3_ENDPOINT: 'https://s3.example', MODELGUARD_S3_FORCE_PATH_STYLE: '0' }) as {
          forcePathStyle: boolean;
        }
      ).forcePathStyle,
      false,
    );
  });

  it('refuses malformed values', () => {
    assert.throws(() => blobsFrom({ MODELGUARD_S3_BUCKET: 'Bad_Bucket' }), { code: 'E_CONFIG' });
    assert.throws(() => blobsFrom({ MODELGUARD_S3_BUCKET: 'models', MODELGUARD_S3_ENDPOINT: 'ftp://x' }), { code: 'E_CONFIG' });
    assert.throws(() => blobsFrom({ MODELGUARD_S3_BUCKET: 'models', MODELGUARD_S3_PREFIX: '/abs' }), { code: 'E_CONFIG' });
    assert.throws(() => blobsFrom({ MODELGUARD_S3_BUCKET: 'models', MODELGUARD_S3_FORCE_PATH_STYLE: 'yes' }), { code: 'E_CONFIG' });
  });
});
