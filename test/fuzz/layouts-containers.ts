/** Field locators for containers: zip (PKWARE APPNOTE 4.3), tar (POSIX ustar, GNU base-256), gzip (RFC 1952), 7z (signature header). */
import { crc32 } from 'node:zlib';
import type { Field, Layout } from './fields.js';

const u16 = (d: Uint8Array, at: number): number => (d[at] ?? 0) | ((d[at + 1] ?? 0) << 8);
const u32 = (d: Uint8Array, at: number): number => (u16(d, at) + u16(d, at + 2) * 0x10000) >>> 0;
const u64 = (d: Uint8Array, at: number): number => u32(d, at) + u32(d, at + 4) * 2 ** 32;
const sig = (d: Uint8Array, at: number, a: number, b: number): boolean => d[at] === 0x50 && d[at + 1] === 0x4b && d[at + 2] === a && d[at + 3] === b;

/** Zip64 extended information (0x0001) and every other extra field's length. */
function extras(d: Uint8Array, at: number, len: number, what: string, fields: Field[]): void {
  let p = at;
  while (p + 4 <= at + len) {
    const id = u16(d, p);
    const n = u16(d, p + 2);
    fields.push({ at: p + 2, width: 2, enc: 'le', what: `${what}.extra${id}.len` });
    if (id === 1) for (let q = p + 4; q + 8 <= p + 4 + n; q += 8) fields.push({ at: q, width: 8, enc: 'le', what: `${what}.zip64@${q - p - 4}`, offset: true });
    p += 4 + n;
  }
}

export function zipLayout(d: Uint8Array): Layout {
  const fields: Field[] = [];
  const bounds: number[] = [];
  const records: [number, number][] = [];
  let eocd = -1;
  for (let i = d.length - 22; i >= Math.max(0, d.length - 65_557); i--) {
    if (sig(d, i, 5, 6)) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { fields, bounds, records };
  bounds.push(eocd);
  for (const [off, w, what] of [
    [4, 2, 'disk'],
    [6, 2, 'cdDisk'],
    [8, 2, 'entriesHere'],
    [10, 2, 'entries'],
    [12, 4, 'cdSize'],
    [16, 4, 'cdOffset'],
    [20, 2, 'commentLen'],
  ] as const) {
    fields.push({ at: eocd + off, width: w, enc: 'le', what: `eocd.${what}`, offset: what === 'cdOffset' });
  }
  let cd = u32(d, eocd + 16);
  if (eocd >= 20 && sig(d, eocd - 20, 6, 7)) {
    const loc = eocd - 20;
    bounds.push(loc);
    fields.push({ at: loc + 8, width: 8, enc: 'le', what: 'zip64loc.eocdOffset', offset: true });
    const e64 = u64(d, loc + 8);
    if (e64 + 56 <= d.length && sig(d, e64, 6, 6)) {
      bounds.push(e64);
      fields.push({ at: e64 + 4, width: 8, enc: 'le', what: 'eocd64.size' });
      for (const [off, what] of [
        [24, 'entriesHere'],
        [32, 'entries'],
        [40, 'cdSize'],
        [48, 'cdOffset'],
      ] as const) {
        fields.push({ at: e64 + off, width: 8, enc: 'le', what: `eocd64.${what}`, offset: what === 'cdOffset' });
      }
      cd = u64(d, e64 + 48);
    }
  }
  let i = 0;
  while (cd + 46 <= d.length && sig(d, cd, 1, 2)) {
    const what = `cd[${i}]`;
    bounds.push(cd);
    for (const [off, w, name] of [
      [8, 2, 'flags'],
      [10, 2, 'method'],
      [20, 4, 'csize'],
      [24, 4, 'usize'],
      [28, 2, 'nameLen'],
      [30, 2, 'extraLen'],
      [32, 2, 'commentLen'],
      [34, 2, 'disk'],
      [42, 4, 'localOffset'],
    ] as const) {
      fields.push({ at: cd + off, width: w, enc: 'le', what: `${what}.${name}`, offset: name === 'localOffset' });
    }
    const nameLen = u16(d, cd + 28);
    const extraLen = u16(d, cd + 30);
    extras(d, cd + 46 + nameLen, extraLen, what, fields);
    const local = u32(d, cd + 42);
    if (local + 30 <= d.length && sig(d, local, 3, 4)) {
      for (const [off, w, name] of [
        [6, 2, 'flags'],
        [8, 2, 'method'],
        [18, 4, 'csize'],
        [22, 4, 'usize'],
        [26, 2, 'nameLen'],
        [28, 2, 'extraLen'],
      ] as const) {
        fields.push({ at: local + off, width: w, enc: 'le', what: `local[${i}].${name}` });
      }
      const lName = u16(d, local + 26);
      const lExtra = u16(d, local + 28);
      extras(d, local + 30 + lName, lExtra, `local[${i}]`, fields);
      const data = local + 30 + lName + lExtra;
      const end = Math.min(d.length, data + u32(d, cd + 20));
      bounds.push(local, data, end);
      records.push([local, end]);
    }
    const next = cd + 46 + nameLen + extraLen + u16(d, cd + 32);
    records.push([cd, next]);
    cd = next;
    i++;
  }
  return { fields, bounds, records };
}

/** Recomputes every ustar header checksum (bytes 148-155, spaces while summing). */
function fixTar(d: Uint8Array): Uint8Array {
  for (let at = 0; at + 512 <= d.length; at += 512) {
    if (Buffer.from(d.subarray(at + 257, at + 262)).toString('latin1') !== 'ustar') continue;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (d[at + i] ?? 0);
    const s = `${sum.toString(8).padStart(6, '0')}\0 `;
    for (let i = 0; i < 8; i++) d[at + 148 + i] = s.charCodeAt(i);
  }
  return d;
}

export function tarLayout(d: Uint8Array): Layout {
  const fields: Field[] = [];
  const bounds: number[] = [];
  const records: [number, number][] = [];
  let at = 0;
  let i = 0;
  while (at + 512 <= d.length && Buffer.from(d.subarray(at + 257, at + 262)).toString('latin1') === 'ustar') {
    const size = Number(
      `0o${
        Buffer.from(d.subarray(at + 124, at + 135))
          .toString('latin1')
          .replace(/[\0 ]+$/, '') || '0'
      }`,
    );
    fields.push({ at: at + 124, width: 12, enc: 'octal', what: `tar[${i}].size` });
    fields.push({ at: at + 100, width: 8, enc: 'octal', what: `tar[${i}].mode` });
    fields.push({ at: at + 156, width: 1, enc: 'le', what: `tar[${i}].type` });
    const end = at + 512 + Math.ceil(size / 512) * 512;
    bounds.push(at, at + 512, Math.min(end, d.length));
    records.push([at, Math.min(end, d.length)]);
    at = end;
    i++;
  }
  return { fields, bounds, records, fix: (x) => fixTar(x) };
}

export function gzipLayout(d: Uint8Array): Layout {
  const fields: Field[] = [{ at: 3, width: 1, enc: 'le', what: 'gzip.flags' }];
  let end = 10;
  if (((d[3] ?? 0) & 4) !== 0) {
    fields.push({ at: 10, width: 2, enc: 'le', what: 'gzip.xlen' });
    end += 2 + u16(d, 10);
  }
  fields.push({ at: d.length - 8, width: 4, enc: 'le', what: 'gzip.crc' }, { at: d.length - 4, width: 4, enc: 'le', what: 'gzip.isize' });
  return { fields, bounds: [10, end, d.length - 8, d.length - 4], records: [[0, d.length]] };
}

/** The 7z signature header, its CRC recomputed so mutants reach the header behind it. */
export function sevenZipLayout(d: Uint8Array): Layout {
  const next = 32 + u64(d, 12);
  const fix = (x: Uint8Array): Uint8Array => {
    if (x.length < 32) return x;
    const c = crc32(x.subarray(12, 32)) >>> 0;
    for (let i = 0; i < 4; i++) x[8 + i] = (c >>> (8 * i)) & 0xff;
    return x;
  };
  return {
    fields: [
      { at: 6, width: 2, enc: 'le', what: '7z.version' },
      { at: 12, width: 8, enc: 'le', what: '7z.nextHeaderOffset', offset: true },
      { at: 20, width: 8, enc: 'le', what: '7z.nextHeaderSize' },
      { at: 28, width: 4, enc: 'le', what: '7z.nextHeaderCrc' },
    ],
    bounds: [32, next, d.length - 1],
    records: [[next, d.length]],
    fix,
  };
}
