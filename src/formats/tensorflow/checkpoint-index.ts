/**
 * TensorFlow checkpoint indexes (`variables/variables.index`, `model.ckpt.index`):
 * a LevelDB-format table (tensorflow/core/lib/io/table) mapping tensor
 * names to BundleEntryProto (dtype, shape, shard_id, offset, size, crc32c),
 * with a BundleHeaderProto (num_shards) under the empty key. The tensor
 * bytes live in `<prefix>.data-NNNNN-of-MMMMM` shards.
 *
 * Layout: blocks, each followed by a 5-byte trailer (compression type,
 * masked CRC-32C), then a 48-byte footer (metaindex and index block
 * handles as varints, padding, magic 0xdb4775248b80fb57). Blocks hold
 * prefix-compressed entries and a restart array. Every handle is checked
 * against the file, every block against its CRC, every key against the
 * previous one.
 */
import { byteAt } from '../../bytes/at.js';
import { ByteReader } from '../../bytes/reader.js';
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import { crc32c, unmask } from './crc32c.js';
import { wireFields, WIRE_VARINT, wireCursor } from '../../bytes/protobuf.js';
import { BufferSource } from '../../bytes/source.js';

const MAGIC = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];
const FOOTER = 48;
const TRAILER = 5;
/** Bytes of one block read (CWE-789; TensorFlow writes 256 KiB blocks). */
const MAX_BLOCK_BYTES = 64 * 1024 * 1024;
/** Entries read per table (CWE-400). */
const MAX_ENTRIES = 10_000_000;
/** Key length (tensor names). */
const MAX_KEY_BYTES = 64 * 1024;

export function hasTableMagic(tail: Uint8Array): boolean {
  const n = tail.length;
  return n >= FOOTER && MAGIC.every((b, i) => tail[n - 8 + i] === b);
}

interface Handle {
  offset: number;
  size: number;
}

function handle(r: ByteReader, what: string): Handle {
  const v = (): number => {
    let x = 0;
    for (let i = 0; i < 10; i++) {
      const b = r.u8(what);
      x += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(x)) throw new ModelguardError('E_MALFORMED', `${what}: varint too large`, { offset: r.offset });
        return x;
      }
    }
    throw new ModelguardError('E_MALFORMED', `${what}: varint too long`, { offset: r.offset });
  };
  return { offset: v(), size: v() };
}

function readBlock(src: ByteSource, h: Handle, limit: number, what: string): Uint8Array {
  if (h.size > MAX_BLOCK_BYTES) throw new ModelguardError('E_LIMIT', `${what}: block of ${h.size} bytes (limit ${MAX_BLOCK_BYTES})`);
  if (h.offset + h.size + TRAILER > limit) {
    throw new ModelguardError('E_TRUNCATED', `${what}: block ${h.offset}+${h.size} runs past the table (${limit} bytes)`, { offset: h.offset });
  }
  const raw = src.read(h.offset, h.size + TRAILER);
  const type = byteAt(raw, h.size, h.offset);
  const stored = new ByteReader(raw.subarray(h.size + 1), h.offset + h.size + 1).u32le('block crc');
  if (crc32c(raw.subarray(0, h.size + 1)) !== unmask(stored)) {
    throw new ModelguardError('E_MALFORMED', `${what}: block at ${h.offset} fails its CRC-32C (TensorFlow refuses it)`, { offset: h.offset });
  }
  if (type !== 0) throw new ModelguardError('E_UNSUPPORTED', `${what}: block compression type ${type}`, { offset: h.offset });
  return raw.subarray(0, h.size);
}

/** The entries of one block, in order. */
function* entries(block: Uint8Array, base: number, what: string): Generator<{ key: Uint8Array; value: Uint8Array }> {
  const r = new ByteReader(block, base);
  if (block.length < 4) throw new ModelguardError('E_MALFORMED', `${what}: block too short`, { offset: base });
  r.seek(block.length - 4);
  const restarts = r.u32le('restart count');
  const limit = block.length - 4 - restarts * 4;
  if (restarts === 0 || limit < 0) throw new ModelguardError('E_MALFORMED', `${what}: ${restarts} restarts do not fit the block`, { offset: base });
  r.seek(0);
  const data = new ByteReader(block.subarray(0, limit), base);
  let prev = new Uint8Array(0);
  while (data.remaining > 0) {
    const shared = varint32(data, what);
    const own = varint32(data, what);
    const vlen = varint32(data, what);
    if (shared > prev.length || shared + own > MAX_KEY_BYTES) {
      throw new ModelguardError('E_MALFORMED', `${what}: key shares ${shared} bytes of a ${prev.length}-byte key`, { offset: data.offset });
    }
    const key = new Uint8Array(shared + own);
    key.set(prev.subarray(0, shared));
    key.set(data.bytesView(own, 'key'), shared);
    const value = data.bytesView(vlen, 'value');
    prev = key;
    yield { key, value };
  }
}

function varint32(r: ByteReader, what: string): number {
  let x = 0;
  for (let i = 0; i < 5; i++) {
    const b = r.u8(what);
    x += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return x;
  }
  throw new ModelguardError('E_MALFORMED', `${what}: varint too long`, { offset: r.offset });
}

export interface BundleIndex {
  numShards: number | undefined;
  tensors: number;
  /** Bytes each data shard must hold (max offset + size of its entries). */
  shardBytes: Map<number, number>;
  keys: number;
}

function protoFields(value: Uint8Array): Map<number, bigint> {
  const out = new Map<number, bigint>();
  const src = wireCursor(new BufferSource(value));
  for (const f of wireFields(src, 0, value.length, 'bundle entry')) if (f.wire === WIRE_VARINT) out.set(f.no, f.varint);
  return out;
}

export function readBundleIndex(src: ByteSource): BundleIndex {
  if (src.size < FOOTER) throw new ModelguardError('E_TRUNCATED', 'table shorter than its footer');
  const footerAt = src.size - FOOTER;
  const fr = new ByteReader(src.read(footerAt, FOOTER), footerAt);
  handle(fr, 'metaindex handle');
  const indexHandle = handle(fr, 'index handle');
  const out: BundleIndex = { numShards: undefined, tensors: 0, shardBytes: new Map(), keys: 0 };
  let prevKey: Uint8Array | undefined;
  const index = readBlock(src, indexHandle, footerAt, 'index');
  for (const ie of entries(index, indexHandle.offset, 'index block')) {
    const dh = handle(new ByteReader(ie.value), 'data block handle');
    const block = readBlock(src, dh, footerAt, 'data');
    for (const e of entries(block, dh.offset, 'data block')) {
      if (++out.keys > MAX_ENTRIES) throw new ModelguardError('E_LIMIT', `more than ${MAX_ENTRIES} checkpoint entries`);
      if (prevKey !== undefined && Buffer.compare(prevKey, e.key) >= 0) {
        throw new ModelguardError('E_MALFORMED', 'checkpoint index keys out of order (TensorFlow reads a different entry)', { offset: dh.offset });
      }
      prevKey = e.key;
      const f = protoFields(e.value);
      if (e.key.length === 0) {
        out.numShards = Number(f.get(1) ?? 0n);
        continue;
      }
      out.tensors++;
      const shard = Number(f.get(3) ?? 0n);
      const end = Number(f.get(4) ?? 0n) + Number(f.get(5) ?? 0n);
      out.shardBytes.set(shard, Math.max(out.shardBytes.get(shard) ?? 0, end));
    }
  }
  return out;
}
