/**
 * Recognisers for inert files: formats no ML loader executes (audio,
 * images, data containers, numbers-only model formats, repository
 * internals). Each is small: a cheap identification from the first bytes
 * (byte compares first, it runs on every file) and a bounded structural
 * walk that throws `E_MALFORMED`/`E_TRUNCATED` when the bytes are not what
 * they claim, so a malformed look-alike is never `clean`.
 *
 * They are registered as fallbacks after every code-carrying format: a
 * polyglot (an image with a zip appended, a WAV with an HDF5 signature at
 * 512) is claimed by the dangerous format and walked as that. One more
 * check guards what no signature sniffer sees: the pickle sniffer may pass
 * over a pickle it is unsure of, so before a recogniser calls a file inert
 * the whole file is decoded as a pickle from its first byte, the way
 * pickle.load and torch.load would read it; if that decoding reaches an
 * opcode that imports or calls before it breaks, the file is handed to the
 * pickle scanner as well.
 */
import type { ByteSource } from '../bytes/source.js';
import { ModelguardError } from '../errors.js';
import type { FileKind } from '../findings/kind.js';
import { defineRules, type RuleInfo } from '../findings/rules.js';
import type { ScanContext } from './context.js';
import { SNIFF_BYTES, TAIL_BYTES, type FormatScanner, type Probe } from './format.js';
import { pickleLoadOutcome } from './pickle/load-outcome.js';

/**
 * Whether unpickling these bytes from offset 0 (and on past each STOP, as
 * torch.load reads pickles back to back) fails, or ends in plain data,
 * before anything acts: then pickle.load, torch.load and joblib.load run
 * nothing of the file's choosing. The walk is the one text is judged by
 * (`pickle/load-outcome.ts`, CPython's `_pickle.c` preconditions), so an
 * image and a config file meet the same model of the loader. Running out
 * of bytes counts as breaking here (these are whole files: a BMP's `BM`
 * is a BINBYTES longer than the file); a walk stopped by its own bounds
 * has not decided and is handed to the pickle scanner.
 */
export function breaksAsPickle(src: ByteSource): boolean {
  if (src.size === 0) return true;
  const o = pickleLoadOutcome(src, 0, src.size);
  return o.end === 'broken' || o.end === 'stop' || (o.end === 'cut' && !o.limit);
}

/** Whether `b` holds the ASCII string `s` at `at`. */
export function ascii(b: Uint8Array, at: number, s: string): boolean {
  if (at < 0 || at + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** A probe over a source, for recognisers that identify again at scan time. */
export function probeOf(src: ByteSource): Probe {
  const head = src.read(0, Math.min(SNIFF_BYTES, src.size));
  let tail: Uint8Array | undefined;
  return {
    head,
    size: src.size,
    tail: () => (tail ??= src.read(src.size - Math.min(TAIL_BYTES, src.size), Math.min(TAIL_BYTES, src.size))),
  };
}

/** The first byte after an optional UTF-8 BOM and whitespace (a cheap test before decoding text). */
export function firstNonSpace(b: Uint8Array): number | undefined {
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < b.length && i < 256 && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return b[i];
}

/** Throws `E_MALFORMED` at `offset` unless `cond` holds. */
export function expect(cond: boolean, message: string, offset?: number): asserts cond {
  if (!cond) throw new ModelguardError('E_MALFORMED', message, offset === undefined ? undefined : { offset });
}

/** One inert format within a family (WAV within audio). */
export interface Recogniser {
  /** Format id reported for the file (`wav`, `git-pack`). */
  readonly id: string;
  /**
   * The values the first byte can take (a magic number's first byte), so a
   * family asks only the members that can match: recognisers run on every
   * file. Absent when any first byte is possible (TFRecord, imatrix).
   */
  readonly first?: readonly number[] | string;
  /** Cheap test on the first bytes: a magic number and the fields right after it. Must not throw. */
  identify(probe: Probe): boolean;
  /**
   * Walks the structure within bounds and returns a one-line summary of what
   * was checked; throws `ModelguardError` when the bytes break the format.
   * May report findings or scan nested content (a pickle inside).
   */
  check(src: ByteSource, ctx: ScanContext): string | Promise<string>;
}

export interface InertFamily {
  readonly id: string;
  readonly title: string;
  readonly kind: FileKind;
  /** The `info` rule the summary is reported under. */
  readonly rule: RuleInfo;
  readonly members: readonly Recogniser[];
  /** Formats this family supersedes when both claim a file (`text`, for text-based model formats). */
  readonly covers?: readonly string[];
}

/** A fallback `FormatScanner` over a family of recognisers: the first member that identifies the bytes checks them. */
export function inertFormat(family: InertFamily): FormatScanner {
  defineRules([family.rule]);
  // Members by the first byte they can start with (byte compares before anything else).
  const anyFirst = family.members.filter((m) => m.first === undefined);
  // Filled on first use of each byte value: building all 256 lists up front cost start-up time on every run.
  const byFirst: (Recogniser[] | undefined)[] = new Array<Recogniser[] | undefined>(256);
  const startingWith = (b: number): Recogniser[] =>
    (byFirst[b] ??= family.members.filter((m) => {
      if (m.first === undefined) return true;
      return typeof m.first === 'string' ? m.first.includes(String.fromCharCode(b)) : m.first.includes(b);
    }));
  const pick = (probe: Probe): Recogniser | undefined => {
    const b0 = probe.head[0];
    for (const m of b0 === undefined ? anyFirst : startingWith(b0)) if (m.identify(probe)) return m;
    return undefined;
  };
  return {
    id: family.id,
    title: family.title,
    kind: family.kind,
    fallback: true,
    // Headerless numbers are the last fallback: bytes a family recognises by structure (an uncompressed BMP or TIFF
    // raster, a WAV) may also read as numbers in places, and the structure says more.
    covers: [...(family.covers ?? []), 'raw-numbers'],
    sniff: (probe) => pick(probe) !== undefined,
    async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
      const member = pick(probeOf(src));
      if (member === undefined) throw new ModelguardError('E_MALFORMED', `not ${family.title}`);
      ctx.info('format', member.id);
      if (!breaksAsPickle(src)) {
        // Loaders that unpickle from byte 0 would run opcodes here: analyse it as the pickle it also is.
        await ctx.as('pickle', src);
      }
      const summary = await member.check(src, ctx);
      ctx.info('format', member.id);
      ctx.report({ rule: family.rule.id, severity: 'info', message: summary });
    },
  };
}
