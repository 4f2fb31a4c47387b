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
import type { NestedOptions, ScanContext } from '../formats/context.js';
import type { FormatScanner } from '../formats/format.js';
import { DEFAULT_LIMITS, type Limits } from '../formats/limits.js';
import type { Policy } from '../python-globals/policy.js';
import { profileForFormat } from '../python-globals/profiles.js';
import type { AllowEntry } from '../python-globals/types.js';
import { detectFormats, findFormat } from './detect.js';
import { findingForError } from './failures.js';
import { sharedPolicy } from './policies.js';

export interface ScanOptions {
  /** Overrides of the default resource limits. */
  limits?: Partial<Limits>;
  /** Pickle profile to force (`torch`, `data`, `numpy`, `sklearn`, `default`); by format when unset. */
  profile?: string;
  /** Format id to force for the outermost layer, skipping detection. */
  format?: string;
  /** Extra allowlist entries (from an allowlist file), added to every profile. */
  allow?: readonly AllowEntry[];
  /**
   * age identity file: files encrypted with age are decrypted chunk by chunk
   * in memory (each chunk authenticated before use) and scanned decrypted.
   */
  identityFile?: string;
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
  private readonly policies = new Map<string, Policy>();
  constructor(limits: Limits, dir: string | undefined, allow: readonly AllowEntry[]) {
    this.limits = limits;
    this.dir = dir;
    this.allow = allow;
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
  private readonly run: FileRun;
  readonly location: Location;
  readonly depth: number;
  readonly profile: string | undefined;
  constructor(run: FileRun, location: Location, depth: number, profile: string | undefined) {
    this.run = run;
    this.location = location;
    this.depth = depth;
    this.profile = profile;
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
    return new Context(this.run, location, this.depth + 1, this.profile);
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
    const ctx = new Context(this.run, location, this.depth + 1, options?.profile ?? this.profile);
    await dispatch(src, ctx, options?.format);
  }

  async as(format: string, src: ByteSource, options?: Omit<NestedOptions, 'format'>): Promise<void> {
    const ctx = new Context(this.run, this.location, this.depth, options?.profile ?? this.profile);
    await dispatch(src, ctx, format);
  }
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
    ctx.report({
      rule: 'engine/unknown-format',
      severity: 'unscannable',
      message: `unrecognised content (${src.size} bytes); not a format modelguard reads`,
    });
    return;
  }
  if (ctx.depth === 0 || ctx.location.member !== undefined) {
    ctx.info('format', scanners.map((s) => s.id).join('+'));
  }
  for (const s of scanners) await runScanner(s, src, ctx);
}

/** Scans any byte source; `file` names it in findings. The source is not closed. */
export async function scanSource(src: ByteSource, file: string, options: ScanOptions & { dir?: string } = {}): Promise<FileReport> {
  const started = performance.now();
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const run = new FileRun(limits, options.dir, options.allow ?? []);
  const ctx = new Context(run, { file }, 0, options.profile);
  await dispatch(src, ctx, options.format);
  const format = typeof run.info['format'] === 'string' ? run.info['format'] : 'unknown';
  return {
    path: file,
    format,
    verdict: verdictOf(run.findings),
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
