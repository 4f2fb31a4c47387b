/**
 * NetCDF classic files (`CDF\1`, 64-bit offset `CDF\2`, CDF-5 `CDF\5`;
 * https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html):
 * the header is read to its end (dimensions, global attributes, variables
 * with their attributes, types, sizes and data offsets), every name and
 * value inside the file, and every variable's data begins after the header
 * and its first record ends inside the file. netCDF4, scipy and xarray read
 * numbers and text; nothing is called. (NetCDF-4 files are HDF5.)
 */
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import { ModelguardError } from '../../errors.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

const NC_DIMENSION = 0x0a;
const NC_VARIABLE = 0x0b;
const NC_ATTRIBUTE = 0x0c;
/** Bytes per element of nc_type 1..11 (CDF-5 adds 7..11). */
const TYPE_SIZE = [0, 1, 1, 2, 4, 4, 8, 1, 2, 4, 8, 8];
/** Entries per list and the header's size (CWE-400). */
const MAX_ENTRIES = 1 << 16;
const MAX_HEADER = 64 << 20;

export const netcdf: Recogniser = {
  id: 'netcdf-classic',
  first: 'C',
  identify: (p: Probe) => ascii(p.head, 0, 'CDF') && (p.head[3] === 1 || p.head[3] === 2 || p.head[3] === 5) && p.size >= 32,
  check(src: ByteSource): string {
    const version = src.read(3, 1)[0] ?? 0;
    const c = new WindowCursor(src, 4, Math.min(src.size, MAX_HEADER));
    c.littleEndian = false;
    const wide = version === 5;
    const count = (what: string): number => {
      const v = wide ? Number(c.u64(what)) : c.u32(what);
      if (v > MAX_ENTRIES && what !== 'numrecs') throw new ModelguardError('E_LIMIT', `NetCDF: ${v} ${what} (limit ${MAX_ENTRIES})`, { offset: c.pos });
      return v;
    };
    const padded = (n: number): number => Math.ceil(n / 4) * 4;
    const name = (): void => {
      const n = count('name length');
      expect(n > 0, 'empty name', c.pos);
      c.skip(padded(n), 'name');
    };
    const list = (tag: number, what: string, entry: () => void): number => {
      const at = c.pos;
      const t = c.u32(`${what} tag`);
      const n = count(`${what} count`);
      expect((t === 0 && n === 0) || t === tag, `${what} list tag ${t} at ${at}`, at);
      for (let i = 0; i < n; i++) entry();
      return n;
    };
    const attributes = (): number =>
      list(NC_ATTRIBUTE, 'attribute', () => {
        name();
        const type = c.u32('attribute type');
        const size = TYPE_SIZE[type];
        expect(size !== undefined && type >= 1 && (wide || type <= 6), `attribute type ${type}`, c.pos - 4);
        const n = wide ? Number(c.u64('value count')) : c.u32('value count');
        expect(n * size <= c.remaining, 'attribute values run past the end of the file', c.pos);
        c.skip(padded(n * size), 'attribute values');
      });
    const numrecs = wide ? c.u64('numrecs') : BigInt(c.u32('numrecs'));
    const lengths: number[] = [];
    const dims = list(NC_DIMENSION, 'dimension', () => {
      name();
      lengths.push(wide ? Number(c.u64('dimension length')) : c.u32('dimension length'));
    });
    attributes();
    const spans: [number, number, boolean][] = [];
    const vars = list(NC_VARIABLE, 'variable', () => {
      name();
      const rank = count('dimension ids');
      let record = false;
      for (let i = 0; i < rank; i++) {
        const id = wide ? Number(c.u64('dimension id')) : c.u32('dimension id');
        expect(id < dims, `dimension id ${id} of ${dims}`, c.pos);
        // A variable whose first dimension is the unlimited one (length 0) is a record variable.
        if (i === 0 && lengths[id] === 0) record = true;
      }
      attributes();
      const type = c.u32('variable type');
      expect(type >= 1 && type < TYPE_SIZE.length && (wide || type <= 6), `variable type ${type}`, c.pos - 4);
      const vsize = wide ? Number(c.u64('vsize')) : c.u32('vsize');
      const begin = version === 1 ? c.u32('begin') : Number(c.u64('begin'));
      spans.push([begin, vsize, record]);
    });
    const headerEnd = c.pos;
    let end = headerEnd;
    let recStart = Infinity;
    let recSize = 0;
    for (const [begin, vsize, record] of spans) {
      // vsize is the (padded) size of one record or of the whole variable; the last variable's padding may be left off.
      expect(
        begin >= headerEnd && begin <= src.size && begin + vsize <= src.size + 3,
        `variable data of ${vsize} bytes at ${begin} outside the file`,
        headerEnd,
      );
      if (record) {
        recStart = Math.min(recStart, begin);
        recSize += vsize;
      } else end = Math.max(end, begin + vsize);
    }
    // Streaming files (numrecs all ones) leave the record count open; otherwise the data ends the file.
    const streaming = numrecs === (wide ? 0xffffffffffffffffn : 0xffffffffn);
    if (recSize > 0 && !streaming) end = Math.max(end, recStart + Number(numrecs) * recSize);
    expect(
      streaming ? src.size >= end - 3 : src.size >= end - 3 && src.size <= end,
      `the header accounts for ${end} bytes, the file has ${src.size}`,
      headerEnd,
    );
    return `NetCDF classic (CDF-${version}) file: ${dims} dimensions, ${vars} variables, ${numrecs} records; header and data offsets inside the file`;
  },
};
