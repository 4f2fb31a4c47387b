/**
 * xxHash64 (seed 0), the content checksum of Zstandard frames (its low 32
 * bits), over chunks handed over in order. 64-bit words are pairs of
 * unsigned 32-bit halves; products are formed from 16-bit limbs, each
 * partial sum well within a double's 53 bits.
 */
import { u32leAt } from '../bytes/at.js';

/** A 64-bit word as two unsigned 32-bit halves. */
interface U64 {
  hi: number;
  lo: number;
}

const P1: U64 = { hi: 0x9e3779b1, lo: 0x85ebca87 };
const P2: U64 = { hi: 0xc2b2ae3d, lo: 0x27d4eb4f };
const P3: U64 = { hi: 0x165667b1, lo: 0x9e3779f9 };
const P4: U64 = { hi: 0x85ebca77, lo: 0xc2b2ae63 };
const P5: U64 = { hi: 0x27d4eb2f, lo: 0x165667c5 };

function add(a: U64, b: U64): U64 {
  const lo = a.lo + b.lo;
  return { hi: (a.hi + b.hi + (lo > 0xffffffff ? 1 : 0)) >>> 0, lo: lo >>> 0 };
}

function mul(a: U64, b: U64): U64 {
  const [a0, a1, a2, a3] = [a.lo & 0xffff, a.lo >>> 16, a.hi & 0xffff, a.hi >>> 16];
  const [b0, b1, b2, b3] = [b.lo & 0xffff, b.lo >>> 16, b.hi & 0xffff, b.hi >>> 16];
  const c0 = a0 * b0;
  const c16 = a1 * b0 + a0 * b1 + Math.floor(c0 / 65536);
  const c32 = a2 * b0 + a1 * b1 + a0 * b2 + Math.floor(c16 / 65536);
  const c48 = a3 * b0 + a2 * b1 + a1 * b2 + a0 * b3 + Math.floor(c32 / 65536);
  return { hi: ((c48 % 65536) * 65536 + (c32 % 65536)) >>> 0, lo: ((c16 % 65536) * 65536 + (c0 % 65536)) >>> 0 };
}

/** Rotates left by `r` (1..31). */
function rotl(x: U64, r: number): U64 {
  return { hi: ((x.hi << r) | (x.lo >>> (32 - r))) >>> 0, lo: ((x.lo << r) | (x.hi >>> (32 - r))) >>> 0 };
}

function xor(a: U64, b: U64): U64 {
  return { hi: (a.hi ^ b.hi) >>> 0, lo: (a.lo ^ b.lo) >>> 0 };
}

/** `x >> s` for 29 <= s <= 33. */
function shr(x: U64, s: number): U64 {
  if (s >= 32) return { hi: 0, lo: x.hi >>> (s - 32) };
  return { hi: x.hi >>> s, lo: ((x.lo >>> s) | (x.hi << (32 - s))) >>> 0 };
}

function round(acc: U64, lane: U64): U64 {
  return mul(rotl(add(acc, mul(lane, P2)), 31), P1);
}

function merge(h: U64, v: U64): U64 {
  return add(mul(xor(h, round({ hi: 0, lo: 0 }, v)), P1), P4);
}

function lane(b: Uint8Array, i: number): U64 {
  return { lo: u32leAt(b, i), hi: u32leAt(b, i + 4) };
}

export class Xxh64 {
  private v: [U64, U64, U64, U64] = [add(P1, P2), P2, { hi: 0, lo: 0 }, { hi: (~P1.hi + (P1.lo === 0 ? 1 : 0)) >>> 0, lo: (-P1.lo >>> 0) >>> 0 }];
  private total = 0;
  private readonly tail = new Uint8Array(32);
  private held = 0;

  private stripe(b: Uint8Array, i: number): void {
    const v = this.v;
    v[0] = round(v[0], lane(b, i));
    v[1] = round(v[1], lane(b, i + 8));
    v[2] = round(v[2], lane(b, i + 16));
    v[3] = round(v[3], lane(b, i + 24));
  }

  update(b: Uint8Array): void {
    this.total += b.length;
    let i = 0;
    if (this.held > 0) {
      const take = Math.min(32 - this.held, b.length);
      this.tail.set(b.subarray(0, take), this.held);
      this.held += take;
      i = take;
      if (this.held < 32) return;
      this.stripe(this.tail, 0);
      this.held = 0;
    }
    for (; i + 32 <= b.length; i += 32) this.stripe(b, i);
    this.tail.set(b.subarray(i), 0);
    this.held = b.length - i;
  }

  /** The low 32 bits of the digest (what a Zstandard frame stores). */
  digest32(): number {
    const [v1, v2, v3, v4] = this.v;
    let h: U64;
    if (this.total >= 32) {
      h = add(add(rotl(v1, 1), rotl(v2, 7)), add(rotl(v3, 12), rotl(v4, 18)));
      for (const v of this.v) h = merge(h, v);
    } else h = P5;
    h = add(h, { hi: Math.floor(this.total / 2 ** 32) >>> 0, lo: this.total >>> 0 });
    const t = this.tail;
    let i = 0;
    for (; i + 8 <= this.held; i += 8) h = add(mul(rotl(xor(h, round({ hi: 0, lo: 0 }, lane(t, i))), 27), P1), P4);
    if (i + 4 <= this.held) {
      h = add(mul(rotl(xor(h, mul({ hi: 0, lo: u32leAt(t, i) }, P1)), 23), P2), P3);
      i += 4;
    }
    for (; i < this.held; i++) h = mul(rotl(xor(h, mul({ hi: 0, lo: t[i] ?? 0 }, P5)), 11), P1);
    h = mul(xor(h, shr(h, 33)), P2);
    h = mul(xor(h, shr(h, 29)), P3);
    h = xor(h, shr(h, 32));
    return h.lo;
  }
}
