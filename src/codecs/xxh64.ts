/**
 * xxHash64 (seed 0), the content checksum of Zstandard frames (its low 32
 * bits), over chunks handed over in order. BigInt arithmetic: simple and
 * exact; the checksum is computed once over output already bounded.
 */
const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & M;
}

function round(acc: bigint, lane: bigint): bigint {
  return (rotl((acc + lane * P2) & M, 31n) * P1) & M;
}

function merge(h: bigint, v: bigint): bigint {
  return ((h ^ round(0n, v)) * P1 + P4) & M;
}

export class Xxh64 {
  private v = [(P1 + P2) & M, P2, 0n, (0n - P1) & M];
  private total = 0;
  private readonly tail = new Uint8Array(32);
  private held = 0;
  private readonly view = new DataView(this.tail.buffer);

  private stripe(b: Uint8Array, i: number): void {
    const d = new DataView(b.buffer, b.byteOffset + i, 32);
    for (let k = 0; k < 4; k++) this.v[k] = round(this.v[k] ?? 0n, d.getBigUint64(k * 8, true));
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
    const [v1 = 0n, v2 = 0n, v3 = 0n, v4 = 0n] = this.v;
    let h: bigint;
    if (this.total >= 32) {
      h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
      for (const v of [v1, v2, v3, v4]) h = merge(h, v);
    } else h = P5;
    h = (h + BigInt(this.total)) & M;
    let i = 0;
    for (; i + 8 <= this.held; i += 8) h = (rotl(h ^ round(0n, this.view.getBigUint64(i, true)), 27n) * P1 + P4) & M;
    if (i + 4 <= this.held) {
      h = (rotl(h ^ ((BigInt(this.view.getUint32(i, true)) * P1) & M), 23n) * P2 + P3) & M;
      i += 4;
    }
    for (; i < this.held; i++) h = (rotl(h ^ ((BigInt(this.view.getUint8(i)) * P5) & M), 11n) * P1) & M;
    h = ((h ^ (h >> 33n)) * P2) & M;
    h = ((h ^ (h >> 29n)) * P3) & M;
    h ^= h >> 32n;
    return Number(h & 0xffffffffn);
  }
}
