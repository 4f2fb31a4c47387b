/**
 * Classic BPF, as the kernel's seccomp filter reads it: an array of
 * `struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; }` (8 bytes,
 * native byte order; every architecture we build for is little-endian).
 *
 * A tiny assembler with labels, so the filter in `filter.ts` reads as a
 * program rather than as offsets. Conditional jumps are relative and 8 bits
 * wide; the assembler refuses a program whose jumps do not fit instead of
 * truncating them (a silently wrong jump would allow what it should deny).
 * Reference: linux/filter.h, Documentation/userspace-api/seccomp_filter.rst.
 */

/** Opcode parts (linux/bpf_common.h). */
export const BPF = {
  LD: 0x00,
  JMP: 0x05,
  RET: 0x06,
  W: 0x00,
  ABS: 0x20,
  JA: 0x00,
  JEQ: 0x10,
  JGE: 0x30,
  K: 0x00,
} as const;

export interface SockFilter {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

/** An instruction whose jump targets may still be labels. */
type Pending = { kind: 'plain'; code: number; k: number } | { kind: 'jump'; code: number; k: number; jt: string; jf: string } | { kind: 'label'; name: string };

/** The kernel refuses programs longer than this (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;

export class Assembler {
  private readonly items: Pending[] = [];

  /** A = 32-bit word at `offset` in `struct seccomp_data`. */
  loadWord(offset: number): this {
    this.items.push({ kind: 'plain', code: BPF.LD | BPF.W | BPF.ABS, k: offset });
    return this;
  }

  /** if (A == k) goto jt else goto jf; a label of `next` falls through. */
  jumpIfEqual(k: number, jt: string, jf: string): this {
    this.items.push({ kind: 'jump', code: BPF.JMP | BPF.JEQ | BPF.K, k, jt, jf });
    return this;
  }

  /** if (A >= k) goto jt else goto jf (unsigned). */
  jumpIfAtLeast(k: number, jt: string, jf: string): this {
    this.items.push({ kind: 'jump', code: BPF.JMP | BPF.JGE | BPF.K, k, jt, jf });
    return this;
  }

  ret(action: number): this {
    this.items.push({ kind: 'plain', code: BPF.RET | BPF.K, k: action });
    return this;
  }

  label(name: string): this {
    if (name === 'next') throw new Error("'next' is reserved for fall-through");
    this.items.push({ kind: 'label', name });
    return this;
  }

  /** Resolves labels into relative offsets. */
  assemble(): SockFilter[] {
    const at = new Map<string, number>();
    let pc = 0;
    for (const it of this.items) {
      if (it.kind === 'label') {
        if (at.has(it.name)) throw new Error(`label ${it.name} defined twice`);
        at.set(it.name, pc);
      } else pc++;
    }
    if (pc > BPF_MAXINSNS) throw new Error(`program of ${pc} instructions exceeds BPF_MAXINSNS`);
    const out: SockFilter[] = [];
    for (const it of this.items) {
      if (it.kind === 'label') continue;
      const here = out.length;
      if (it.kind === 'plain') {
        out.push({ code: it.code, jt: 0, jf: 0, k: it.k >>> 0 });
        continue;
      }
      const rel = (target: string): number => {
        if (target === 'next') return 0;
        const dest = at.get(target);
        if (dest === undefined) throw new Error(`undefined label ${target}`);
        const off = dest - here - 1;
        if (off < 0 || off > 255) throw new Error(`jump to ${target} (${off}) does not fit in 8 bits`);
        return off;
      };
      out.push({ code: it.code, jt: rel(it.jt), jf: rel(it.jf), k: it.k >>> 0 });
    }
    return out;
  }
}

/** The raw `struct sock_filter[]` bwrap's `--seccomp FD` expects. */
export function encodeFilter(program: readonly SockFilter[]): Uint8Array {
  const out = new Uint8Array(program.length * 8);
  const view = new DataView(out.buffer);
  program.forEach((ins, i) => {
    view.setUint16(i * 8, ins.code, true);
    view.setUint8(i * 8 + 2, ins.jt);
    view.setUint8(i * 8 + 3, ins.jf);
    view.setUint32(i * 8 + 4, ins.k, true);
  });
  return out;
}

/** Inverse of `encodeFilter`, for tests and `--explain`-style dumps. */
export function decodeFilter(bytes: Uint8Array): SockFilter[] {
  if (bytes.length % 8 !== 0) throw new Error('a sock_filter array is a multiple of 8 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: SockFilter[] = [];
  for (let o = 0; o < bytes.length; o += 8) {
    out.push({ code: view.getUint16(o, true), jt: view.getUint8(o + 2), jf: view.getUint8(o + 3), k: view.getUint32(o + 4, true) });
  }
  return out;
}
