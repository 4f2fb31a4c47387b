/**
 * Small bookkeeping files of repositories and caches:
 * - git LFS pointer files (git-lfs docs/spec.md): `version
 *   https://git-lfs.github.com/spec/v1`, `oid sha256:<64 hex>`, `size <n>`,
 *   sorted `key value` lines, under 1024 bytes. What a clone without
 *   `git lfs pull` holds in place of the model.
 * - macOS `.DS_Store` (a Buddy allocator file): `\0\0\0\1Bud1`, the root
 *   block's offset twice and its size, inside the file.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';

const LFS_VERSION = 'version https://git-lfs.github.com/spec/v1\n';

export const lfsPointer: Recogniser = {
  id: 'git-lfs-pointer',
  first: 'v',
  identify: (p: Probe) => p.size < 1024 && ascii(p.head, 0, LFS_VERSION),
  check(src: ByteSource): string {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(src.read(0, src.size));
    } catch {
      throw new ModelguardError('E_MALFORMED', 'the pointer is not UTF-8 text');
    }
    const lines = text.split('\n');
    expect(lines.pop() === '', 'the pointer does not end with a newline');
    const map = new Map<string, string>();
    for (const l of lines) {
      const m = /^([a-z0-9.-]+) (\S.*)$/.exec(l);
      expect(m !== null, 'a line is not `key value`');
      map.set(m[1] ?? '', m[2] ?? '');
    }
    const oid = map.get('oid') ?? '';
    const size = map.get('size') ?? '';
    expect(/^sha256:[0-9a-f]{64}$/.test(oid) && /^\d+$/.test(size), 'no `oid sha256:<hex>` and `size <n>` lines');
    const rest = lines.slice(1).map((l) => l.split(' ')[0] ?? '');
    expect(
      rest.every((k, i) => i === 0 || (rest[i - 1] ?? '') < k),
      'keys after `version` are not sorted',
    );
    return `git LFS pointer to ${oid.slice(0, 19)}... of ${size} bytes`;
  },
};

export const dsStore: Recogniser = {
  id: 'ds-store',
  first: [0],
  identify: (p: Probe) => p.head[0] === 0 && p.head[1] === 0 && p.head[2] === 0 && p.head[3] === 1 && ascii(p.head, 4, 'Bud1'),
  check(src: ByteSource): string {
    const h = src.read(0, Math.min(src.size, 36));
    const u32 = (at: number): number => (((h[at] ?? 0) << 24) | ((h[at + 1] ?? 0) << 16) | ((h[at + 2] ?? 0) << 8) | (h[at + 3] ?? 0)) >>> 0;
    const offset = u32(8);
    const size = u32(12);
    expect(offset === u32(16) && offset + 4 + size <= src.size && size > 0, `root block of ${size} bytes at ${offset} (copy ${u32(16)}) outside the file`, 8);
    return `.DS_Store (Finder metadata): root block of ${size} bytes inside the file`;
  },
};
