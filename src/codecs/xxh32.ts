/** xxHash32 (seed 0 by default), the checksum of the LZ4 frame format. */
import { u32leAt } from '../bytes/at.js';

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function u32(b: Uint8Array, i: number): number {
  return u32leAt(b, i);
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, P2)) >>> 0, 13), P1) >>> 0;
}

export function xxh32(b: Uint8Array, seed = 0): number {
  let i = 0;
  let h: number;
  if (b.length >= 16) {
    let v1 = (seed + P1 + P2) >>> 0;
    let v2 = (seed + P2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - P1) >>> 0;
    for (; i + 16 <= b.length; i += 16) {
      v1 = round(v1, u32(b, i));
      v2 = round(v2, u32(b, i + 4));
      v3 = round(v3, u32(b, i + 8));
      v4 = round(v4, u32(b, i + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    h = (seed + P5) >>> 0;
  }
  h = (h + b.length) >>> 0;
  for (; i + 4 <= b.length; i += 4) h = Math.imul(rotl((h + Math.imul(u32(b, i), P3)) >>> 0, 17), P4) >>> 0;
  for (; i < b.length; i++) h = Math.imul(rotl((h + Math.imul(b[i] as number, P5)) >>> 0, 11), P1) >>> 0;
  h = Math.imul(h ^ (h >>> 15), P2) >>> 0;
  h = Math.imul(h ^ (h >>> 13), P3) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** xxHash32 over chunks handed over in order (the LZ4 content checksum of output read in pieces). */
export class Xxh32 {
  private readonly seed: number;
  private v1: number;
  private v2: number;
  private v3: number;
  private v4: number;
  private total = 0;
  private readonly tail = new Uint8Array(16);
  private held = 0;

  constructor(seed = 0) {
    this.seed = seed >>> 0;
    this.v1 = (seed + P1 + P2) >>> 0;
    this.v2 = (seed + P2) >>> 0;
    this.v3 = seed >>> 0;
    this.v4 = (seed - P1) >>> 0;
  }

  private stripe(b: Uint8Array, i: number): void {
    this.v1 = round(this.v1, u32(b, i));
    this.v2 = round(this.v2, u32(b, i + 4));
    this.v3 = round(this.v3, u32(b, i + 8));
    this.v4 = round(this.v4, u32(b, i + 12));
  }

  update(b: Uint8Array): void {
    this.total += b.length;
    let i = 0;
    if (this.held > 0) {
      const take = Math.min(16 - this.held, b.length);
      this.tail.set(b.subarray(0, take), this.held);
      this.held += take;
      i = take;
      if (this.held < 16) return;
      this.stripe(this.tail, 0);
      this.held = 0;
    }
    for (; i + 16 <= b.length; i += 16) this.stripe(b, i);
    this.tail.set(b.subarray(i), 0);
    this.held = b.length - i;
  }

  digest(): number {
    let h = this.total >= 16 ? (rotl(this.v1, 1) + rotl(this.v2, 7) + rotl(this.v3, 12) + rotl(this.v4, 18)) >>> 0 : (this.seed + P5) >>> 0;
    h = (h + this.total) >>> 0;
    const b = this.tail;
    let i = 0;
    for (; i + 4 <= this.held; i += 4) h = Math.imul(rotl((h + Math.imul(u32(b, i), P3)) >>> 0, 17), P4) >>> 0;
    for (; i < this.held; i++) h = Math.imul(rotl((h + Math.imul(b[i] as number, P5)) >>> 0, 11), P1) >>> 0;
    h = Math.imul(h ^ (h >>> 15), P2) >>> 0;
    h = Math.imul(h ^ (h >>> 13), P3) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  }
}
