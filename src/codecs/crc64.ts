/**
 * CRC-64/XZ (ECMA-182 polynomial, reflected), the default xz integrity
 * check, computed on two 32-bit halves (BigInt per byte would be slow).
 */
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

const TABLE_LO = new Uint32Array(256);
const TABLE_HI = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let lo = i;
  let hi = 0;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi >>>= 1;
    if (carry !== 0) {
      lo = (lo ^ POLY_LO) >>> 0;
      hi = (hi ^ POLY_HI) >>> 0;
    }
  }
  TABLE_LO[i] = lo;
  TABLE_HI[i] = hi;
}

/** CRC-64/XZ of `data` as a little-endian 8-byte value, the way xz stores it. */
export function crc64xz(data: Uint8Array): Uint8Array {
  return crc64xzOf((feed) => {
    feed(data);
  });
}

/** CRC-64/XZ of the chunks `produce` hands over, in order (output read in pieces). */
export function crc64xzOf(produce: (feed: (chunk: Uint8Array) => void) => void): Uint8Array {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  produce((data) => {
    for (const b of data) {
      const i = (lo ^ b) & 0xff;
      lo = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ (TABLE_LO[i] as number)) >>> 0;
      hi = ((hi >>> 8) ^ (TABLE_HI[i] as number)) >>> 0;
    }
  });
  lo = ~lo >>> 0;
  hi = ~hi >>> 0;
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, lo, true);
  dv.setUint32(4, hi, true);
  return out;
}
