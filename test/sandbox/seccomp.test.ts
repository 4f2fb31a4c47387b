/**
 * The seccomp program, decided in a BPF interpreter: arch check, x32,
 * every denied call, socket families, everything else allowed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Assembler, decodeFilter, encodeFilter } from '../../src/sandbox/seccomp/bpf.js';
import { buildFilter, EPERM, SECCOMP_RET } from '../../src/sandbox/seccomp/filter.js';
import { AF_UNIX, AUDIT_ARCH, DENIED_SYSCALLS, SOCKET_SYSCALL, X32_SYSCALL_BIT, type FilterArch } from '../../src/sandbox/seccomp/syscalls.js';
import { runFilter } from './bpf-interpreter.js';

const RUNS = process.env['SLOW'] === '1' ? 20_000 : 300;
const DENY = (SECCOMP_RET.ERRNO | EPERM) >>> 0;
const ARCHES: FilterArch[] = ['x86_64', 'aarch64'];

function expected(arch: FilterArch, nr: number, dataArch: number, arg0: bigint): number {
  if (dataArch !== AUDIT_ARCH[arch]) return SECCOMP_RET.KILL_PROCESS;
  if (arch === 'x86_64' && nr >= X32_SYSCALL_BIT) return SECCOMP_RET.KILL_PROCESS;
  if (DENIED_SYSCALLS.some((c) => c[arch] === nr)) return DENY;
  if (nr === SOCKET_SYSCALL[arch]) return (arg0 & 0xffffffffn) === BigInt(AF_UNIX) ? SECCOMP_RET.ALLOW : DENY;
  return SECCOMP_RET.ALLOW;
}

for (const arch of ARCHES) {
  describe(`seccomp filter (${arch})`, () => {
    const prog = buildFilter(arch);
    const run = (nr: number, arg0 = 0n, dataArch: number = AUDIT_ARCH[arch]): number => runFilter(prog, { nr, arch: dataArch, args: [arg0] });

    it('denies every listed call with EPERM', () => {
      for (const c of DENIED_SYSCALLS) assert.equal(run(c[arch]), DENY, c.name);
    });

    it('allows AF_UNIX sockets and denies AF_INET, AF_INET6, AF_NETLINK, AF_PACKET', () => {
      assert.equal(run(SOCKET_SYSCALL[arch], 1n), SECCOMP_RET.ALLOW);
      for (const family of [2n, 10n, 16n, 17n]) assert.equal(run(SOCKET_SYSCALL[arch], family), DENY);
      // Only the int's low 32 bits count, as in the kernel.
      assert.equal(run(SOCKET_SYSCALL[arch], (1n << 32n) | 2n), DENY);
      assert.equal(run(SOCKET_SYSCALL[arch], (7n << 32n) | 1n), SECCOMP_RET.ALLOW);
    });

    it('kills a call made through another architecture', () => {
      const other = arch === 'x86_64' ? AUDIT_ARCH.aarch64 : AUDIT_ARCH.x86_64;
      assert.equal(run(0, 0n, other), SECCOMP_RET.KILL_PROCESS);
      assert.equal(run(0, 0n, 0x40000003), SECCOMP_RET.KILL_PROCESS); // i386
    });

    it('agrees with the specification on random calls', () => {
      const archs = [AUDIT_ARCH.x86_64, AUDIT_ARCH.aarch64, 0x40000003];
      fc.assert(
        fc.property(fc.nat({ max: 0xffffffff }), fc.constantFrom(...archs), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (nr, dataArch, arg0) => {
          assert.equal(run(nr, arg0, dataArch), expected(arch, nr, dataArch, arg0) >>> 0);
        }),
        { numRuns: RUNS },
      );
      for (const c of DENIED_SYSCALLS) assert.equal(run(c[arch] + 0), expected(arch, c[arch], AUDIT_ARCH[arch], 0n) >>> 0);
    });
  });
}

describe('x32 system calls', () => {
  it('are killed on x86_64 even for an allowed number', () => {
    assert.equal(runFilter(buildFilter('x86_64'), { nr: X32_SYSCALL_BIT | 1, arch: AUDIT_ARCH.x86_64, args: [] }), SECCOMP_RET.KILL_PROCESS);
  });
});

describe('assembler', () => {
  it('round-trips through struct sock_filter bytes', () => {
    const prog = buildFilter('x86_64');
    const bytes = encodeFilter(prog);
    assert.equal(bytes.length, prog.length * 8);
    assert.deepEqual(decodeFilter(bytes), prog);
  });

  it('refuses a jump that does not fit in 8 bits instead of truncating it', () => {
    const a = new Assembler().loadWord(0).jumpIfEqual(1, 'far', 'next');
    for (let i = 0; i < 300; i++) a.ret(0);
    a.label('far').ret(1);
    assert.throws(() => a.assemble(), /does not fit/);
  });

  it('refuses undefined labels', () => {
    assert.throws(() => new Assembler().loadWord(0).jumpIfEqual(1, 'nowhere', 'next').ret(0).assemble(), /undefined label/);
  });
});
