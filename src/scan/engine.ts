/**
 * The scan pipeline for one input: sniff, dispatch to every format that
 * claims the bytes, recurse into nested content, turn parser errors into
 * findings (`failures.ts`), and combine findings into a verdict.
 */
import { BufferSource, type ByteSource } from '../bytes/source.js';
import { ModelguardError } from '../errors.js';
import type { Finding, FindingInput, Location } from '../findings/finding.js';
import type { FileReport, InfoValue } from '../findings/report.js';
import { verdictOf } from '../findings/verdict.js';
import { reasonFor, strongerKind, type FileKind } from '../findings/kind.js';
import { FORMAT_KINDS, FORMAT_LOADERS, type FormatKind } from '../formats/kinds.js';
import type { NestedOptions, ScanContext } from '../formats/context.js';
import type { FormatScanner } from '../formats/format.js';
import { DEFAULT_LIMITS, type Limits } from '../formats/limits.js';
import type { Policy } from '../python-globals/policy.js';
import { checkProfileId, profileForFormat, type ProfileId } from '../python-globals/profiles.js';
import type { AllowEntry } from '../python-globals/types.js';
import { detectFormats, findFormat } from './detect.js';
import { findingForError } from './failures.js';
import { sharedPolicy } from './policies.js';

export interface ScanOptions {
  /** Overrides of the default resource limits. */
  limits?: Partial<Limits>;
  /**
   * Pickle profile to force; by format when unset. An unknown name (from
   * untyped callers) throws `E_USAGE` before anything is scanned.
   */
  profile?: ProfileId;
  /** Format id to force for the outermost layer, skipping detection. */
  format?: string;
  /** Extra allowlist entries (from an allowlist file), added to every profile. */
  allow?: readonly AllowEntry[];
  /**
   * age identity file: files encrypted with age are decrypted chunk by chunk
   * in memory (each chunk authenticated before use) and scanned decrypted.
   */
  identityFile?: string;
  /**
   * What bytes that match no format count as: `unscannable` (the default:
   * an unread file is never passed) or `clean` (for gates over folders of
   * known provenance whose raw blobs, such as ONNX external data without
   * its model, would otherwise fail them). Formats that could run code and
   * could not be read to the end stay `unscannable` either way.
   */
  unknownAs?: 'clean' | 'unscannable';
}

/** Per-file accumulator shared by every context of one scan. */
class FileRun {
  readonly findings: Finding[] = [];
  readonly info: Record<string, InfoValue> = {};
  readonly seen = new Set<string>();
  readonly limits: Limits;
  /** Bytes produced by decompression so far, all layers together (see `ScanContext.inflateBudget`). */
  inflated = 0;
  readonly dir: string | undefined;
  readonly allow: readonly AllowEntry[];
  readonly unknownAs: 'clean' | 'unscannable';
  /** Kinds of the formats that claimed the file itself (or the content of its transparent wrappers). */
  readonly kinds: FileKind[] = [];
  /** Nested scans queued by synchronous analyses (`ScanContext.defer`), by member path, run after the scanner returns. */
  readonly deferred = new Map<string, () => Promise<void>>();
  /** Deferred scans queued in all (the rest is reported as a limit). */
  deferredCount = 0;
  private readonly policies = new Map<string, Policy>();
  constructor(limits: Limits, dir: string | undefined, allow: readonly AllowEntry[], unknownAs: 'clean' | 'unscannable') {
    this.limits = limits;
    this.dir = dir;
    this.allow = allow;
    this.unknownAs = unknownAs;
  }

  policy(profileId: string): Policy {
    let p = this.policies.get(profileId);
    if (p === undefined) {
      p = sharedPolicy(profileId, this.allow);
      this.policies.set(profileId, p);
    }
    return p;
  }

  add(f: Finding): void {
    // The same finding at the same place twice (two scanners agreeing) is noise.
    const key = `${f.rule}\0${f.message}\0${JSON.stringify(f.location)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(f);
  }
}

class Context implements ScanContext {
  readonly run: FileRun;
  readonly location: Location;
  readonly depth: number;
  readonly profile: string | undefined;
  /** Whether what claims this input says what the file is: the file itself, or the content of a transparent wrapper of it. */
  readonly kindScope: boolean;
  /** Set by dispatch when every claimant is a transparent wrapper, so its content is what the file is. */
  transparent = false;
  /** Ids of the formats that claimed this input (set by dispatch). */
  formats: string[] = [];
  constructor(run: FileRun, location: Location, depth: number, profile: string | undefined, kindScope: boolean) {
    this.run = run;
    this.location = location;
    this.depth = depth;
    this.profile = profile;
    this.kindScope = kindScope;
  }

  get limits(): Limits {
    return this.run.limits;
  }

  get dir(): string | undefined {
    return this.depth === 0 ? this.run.dir : undefined;
  }

  get inflateBudget(): number {
    return Math.max(0, this.run.limits.maxInflatedBytes - this.run.inflated);
  }

  spendInflated(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.inflateBudget) {
      throw new ModelguardError('E_LIMIT', `${what}: ${n} more inflated bytes would pass the file's budget of ${this.run.limits.maxInflatedBytes} (CWE-409)`);
    }
    this.run.inflated += n;
  }

  fail(error: unknown, formatId: string): void {
    this.report(findingForError(error, formatId));
  }

  policyFor(format: string): Policy {
    return this.run.policy(this.profile ?? profileForFormat(format));
  }

  report(input: FindingInput): void {
    const { location, ...rest } = input;
    // Part of a code-carrying format left unread: say which loaders could run it, so the reader knows why it is not passed.
    if (rest.severity === 'unscannable' && rest.rule !== 'engine/unknown-format') {
      const loaders = this.formats.map((id) => FORMAT_LOADERS[id]).find((l) => l !== undefined);
      if (loaders !== undefined) rest.message = `${rest.message} (not read to the end; ${loaders} could run it)`;
    }
    const loc: Location = { ...this.location, ...location };
    if (loc.member !== undefined && loc.member.length === 0) delete loc.member;
    this.run.add({ ...rest, location: loc });
  }

  info(key: string, value: InfoValue): void {
    const prefix = this.location.member === undefined ? '' : `${this.location.member.join(' > ')}: `;
    this.run.info[prefix + key] = value;
  }

  child(member: string): ScanContext {
    const location: Location = { file: this.location.file, member: [...(this.location.member ?? []), member] };
    return new Context(this.run, location, this.depth + 1, this.profile, false);
  }

  async nested(src: ByteSource, member: string, options?: NestedOptions): Promise<void> {
    const location: Location = { file: this.location.file, member: [...(this.location.member ?? []), member] };
    if (this.depth + 1 > this.run.limits.maxNestingDepth) {
      this.report({
        rule: 'engine/limit',
        severity: 'unscannable',
        message: `nesting deeper than ${this.run.limits.maxNestingDepth} levels; ${member} was not scanned`,
        location,
      });
      return;
    }
    const ctx = new Context(this.run, location, this.depth + 1, options?.profile ?? this.profile, this.kindScope && this.transparent);
    await dispatch(src, ctx, options?.format);
  }

  async as(format: string, src: ByteSource, options?: Omit<NestedOptions, 'format'>): Promise<void> {
    const ctx = new Context(this.run, this.location, this.depth, options?.profile ?? this.profile, this.kindScope);
    await dispatch(src, ctx, format);
  }

  defer(src: ByteSource, member: string, options?: NestedOptions): void {
    const key = [...(this.location.member ?? []), member].join('\0');
    if (this.run.deferred.has(key)) return;
    if (++this.run.deferredCount > MAX_DEFERRED) {
      if (this.run.deferredCount === MAX_DEFERRED + 1) {
        this.report({
          rule: 'engine/limit',
          severity: 'unscannable',
          message: `more than ${MAX_DEFERRED} embedded files; ${member} and later ones were not scanned`,
        });
      }
      return;
    }
    this.run.deferred.set(key, () => this.nested(src, member, options));
  }
}

/** Embedded files queued per scanned file (each a nested scan; CWE-400). */
const MAX_DEFERRED = 4096;

/** Runs queued nested scans (which may queue more) until none is left. */
async function drainDeferred(run: FileRun, ctx: Context): Promise<void> {
  // A Map iterates in insertion order and visits entries added while iterating: scans queued by deferred scans run too.
  for (const scan of run.deferred.values()) {
    try {
      await scan();
    } catch (e) {
      ctx.fail(e, 'embedded');
    }
  }
}

function kindOf(s: FormatScanner): FormatKind {
  return s.kind ?? FORMAT_KINDS[s.id] ?? 'model-code-carrying';
}

/** What the file is: the strongest kind among its claimants and the format ids they reported. */
function fileKind(run: FileRun, format: string): FileKind {
  let kind: FileKind = 'unknown';
  for (const k of run.kinds) kind = strongerKind(kind, k);
  for (const id of format.split('+')) {
    const k = FORMAT_KINDS[id];
    if (k !== undefined && k !== 'transparent') kind = strongerKind(kind, k);
  }
  return kind;
}

/** Runs one scanner, converting errors into findings. */
async function runScanner(scanner: FormatScanner, src: ByteSource, ctx: Context): Promise<void> {
  try {
    await scanner.scan(src, ctx);
  } catch (e) {
    ctx.fail(e, scanner.id);
  }
}

async function dispatch(src: ByteSource, ctx: Context, forced: string | undefined): Promise<void> {
  let scanners: FormatScanner[];
  if (forced !== undefined) {
    const s = findFormat(forced);
    if (s === undefined) throw new ModelguardError('E_USAGE', `unknown format ${forced}`);
    scanners = [s];
  } else {
    try {
      scanners = detectFormats(src);
    } catch (e) {
      ctx.fail(e, 'detect');
      return;
    }
  }
  if (scanners.length === 0) {
    ctx.report(
      ctx.run.unknownAs === 'clean'
        ? { rule: 'engine/unknown-data', severity: 'info', message: `${src.size} bytes that match no format, counted clean (--unknown-as clean)` }
        : {
            rule: 'engine/unknown-format',
            severity: 'unscannable',
            message: `${src.size} bytes that match no format modelguard knows (not a pickle, zip, tar, HDF5 or any model format a loader opens); --unknown-as clean counts such blobs clean`,
          },
    );
    return;
  }
  ctx.formats = scanners.map((s) => s.id);
  if (ctx.kindScope) {
    const kinds = scanners.map(kindOf);
    ctx.transparent = kinds.every((k) => k === 'transparent');
    for (const k of kinds) if (k !== 'transparent') ctx.run.kinds.push(k);
  }
  if (ctx.depth === 0 || ctx.location.member !== undefined) {
    ctx.info('format', scanners.map((s) => s.id).join('+'));
  }
  for (const s of scanners) await runScanner(s, src, ctx);
}

/** Scans any byte source; `file` names it in findings. The source is not closed. */
export async function scanSource(src: ByteSource, file: string, options: ScanOptions & { dir?: string } = {}): Promise<FileReport> {
  const started = performance.now();
  if (options.profile !== undefined) checkProfileId(options.profile);
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const run = new FileRun(limits, options.dir, options.allow ?? [], options.unknownAs ?? 'unscannable');
  const ctx = new Context(run, { file }, 0, options.profile, true);
  await dispatch(src, ctx, options.format);
  await drainDeferred(run, ctx);
  const format = typeof run.info['format'] === 'string' ? run.info['format'] : 'unknown';
  const verdict = verdictOf(run.findings);
  const kind = fileKind(run, format);
  return {
    path: file,
    format,
    verdict,
    kind,
    reason: reasonFor(kind, verdict, run.findings),
    size: src.size,
    findings: run.findings,
    info: run.info,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  };
}

/** Scans bytes in memory. */
export function scanBuffer(bytes: Uint8Array, name = '<buffer>', options: ScanOptions = {}): Promise<FileReport> {
  return scanSource(new BufferSource(bytes), name, options);
}
