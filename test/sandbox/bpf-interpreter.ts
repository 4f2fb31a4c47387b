/**
 * A classic-BPF interpreter for the instructions the seccomp assembler
 * emits (LD W ABS, JEQ/JGE K, JA, RET K), run against a `seccomp_data`, so
 * tests check what the filter decides without a kernel. Anything else is an
 * error: a filter that used more would need more interpreter.
 */
import { BPF, type SockFilter } from '../../src/sandbox/seccomp/bpf.js';

export interface SeccompData {
  nr: number;
  arch: number;
  args: readonly bigint[];
}

function word(d: SeccompData, offset: number): number {
  if (offset === 0) return d.nr >>> 0;
  if (offset === 4) return d.arch >>> 0;
  if (offset >= 16 && offset < 64 && offset % 4 === 0) {
    const arg = d.args[Math.floor((offset - 16) / 8)] ?? 0n;
    return Number(offset % 8 === 0 ? arg & 0xffffffffn : (arg >> 32n) & 0xffffffffn);
  }
  throw new Error(`load from offset ${offset}`);
}

export function runFilter(program: readonly SockFilter[], d: SeccompData): number {
  let a = 0;
  let pc = 0;
  for (let steps = 0; steps < 10_000; steps++) {
    const ins = program[pc];
    if (ins === undefined) throw new Error(`fell off the program at ${pc}`);
    switch (ins.code) {
      case BPF.LD | BPF.W | BPF.ABS:
        a = word(d, ins.k);
        pc++;
        break;
      case BPF.JMP | BPF.JEQ | BPF.K:
        pc += 1 + (a === ins.k ? ins.jt : ins.jf);
        break;
      case BPF.JMP | BPF.JGE | BPF.K:
        pc += 1 + (a >= ins.k ? ins.jt : ins.jf);
        break;
      case BPF.JMP | BPF.JA:
        pc += 1 + ins.k;
        break;
      case BPF.RET | BPF.K:
        return ins.k >>> 0;
      default:
        throw new Error(`unexpected opcode 0x${ins.code.toString(16)}`);
    }
  }
  throw new Error('no return');
}
