/**
 * The binary files of a git repository (`.git/`), recognised by magic
 * number and version and verified against their checksum trailer:
 * packfiles (`PACK`), pack indexes v2 (`\377tOc`), the index (`DIRC`),
 * commit graphs (`CGPH`), multi-pack indexes (`MIDX`), reverse indexes
 * (`RIDX`) and reachability bitmaps (`BITM`); and loose objects, whose
 * zlib layer the compressed-stream scanner opens, as `<type> <size>\0`
 * followed by exactly that many bytes. Git stores these; no ML loader
 * reads them (the checked-out files are scanned in their own right).
 * See git's Documentation/gitformat-pack.txt, gitformat-index.txt,
 * gitformat-commit-graph.txt.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { Probe } from '../format.js';
import { ascii, expect, type Recogniser } from '../inert.js';
import { trailerHash } from './checksum.js';

function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}

interface Kind {
  id: string;
  magic: string;
  name: string;
  /** Versions git writes, read as a big-endian u32 after the magic (u16 for bitmaps). */
  versions: readonly number[];
  short?: boolean;
  /** Extra header checks on the head; returns a description. */
  describe(head: Uint8Array, size: number): string;
}

const KINDS: readonly Kind[] = [
  {
    id: 'git-pack',
    magic: 'PACK',
    name: 'git packfile',
    versions: [2, 3],
    describe: (h, size) => {
      const objects = u32be(h, 8);
      expect(objects * 2 + 32 <= size, `${objects} objects cannot fit ${size} bytes`, 8);
      return `${objects} objects`;
    },
  },
  { id: 'git-pack-index', magic: '\xfftOc', name: 'git pack index', versions: [2], describe: (h) => `${u32be(h, 8 + 255 * 4)} objects` },
  { id: 'git-index', magic: 'DIRC', name: 'git index', versions: [2, 3, 4], describe: (h) => `${u32be(h, 8)} entries` },
  { id: 'git-commit-graph', magic: 'CGPH', name: 'git commit graph', versions: [1], short: true, describe: (h) => `${h[6] ?? 0} chunks` },
  { id: 'git-multi-pack-index', magic: 'MIDX', name: 'git multi-pack index', versions: [1], short: true, describe: (h) => `${h[6] ?? 0} chunks` },
  { id: 'git-reverse-index', magic: 'RIDX', name: 'git pack reverse index', versions: [1], describe: () => 'pack order' },
  { id: 'git-bitmap', magic: 'BITM', name: 'git reachability bitmap', versions: [1], short: true, describe: () => 'bitmaps' },
];

function version(k: Kind, h: Uint8Array): number {
  // Commit graphs and multi-pack indexes have a one-byte version, bitmaps a u16.
  if (k.magic === 'CGPH' || k.magic === 'MIDX') return h[4] ?? 0;
  if (k.short === true) return ((h[4] ?? 0) << 8) | (h[5] ?? 0);
  return u32be(h, 4);
}

export const gitFiles: Recogniser[] = KINDS.map((k) => ({
  id: k.id,
  first: [k.magic.charCodeAt(0)],
  identify: (p: Probe) => ascii(p.head, 0, k.magic) && k.versions.includes(version(k, p.head)) && p.size >= 32,
  check(src: ByteSource): string {
    const head = src.read(0, Math.min(src.size, 2048));
    const what = k.describe(head, src.size);
    const hash = trailerHash(src);
    expect(hash !== undefined, `the ${k.name}'s trailing checksum does not match its contents`, src.size - 20);
    return `${k.name} v${version(k, head)}: ${what}; ${hash} trailer verified`;
  },
}));

const LOOSE = /^(blob|tree|commit|tag) (\d{1,15})\0/;

export const gitLooseObject: Recogniser = {
  id: 'git-object',
  first: 'btc',
  identify(p: Probe): boolean {
    const m = LOOSE.exec(new TextDecoder('latin1').decode(p.head.subarray(0, 32)));
    return m !== null && m[0].length + Number(m[2]) === p.size;
  },
  check(src: ByteSource): string {
    const m = LOOSE.exec(new TextDecoder('latin1').decode(src.read(0, Math.min(32, src.size))));
    expect(m !== null && m[0].length + Number(m[2]) === src.size, 'not a git object header with its exact size', 0);
    return `git ${m[1] ?? ''} object of ${m[2] ?? ''} bytes`;
  },
};
