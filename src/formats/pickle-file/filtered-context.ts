/**
 * A `ScanContext` whose findings pass through a filter first (which may
 * drop or relabel them); everything else is the wrapped context's. Used to
 * run a second reading of a stream and keep only what it adds.
 */
import type { ByteSource } from '../../bytes/source.js';
import type { FindingInput, Location } from '../../findings/finding.js';
import type { InfoValue } from '../../findings/report.js';
import type { NestedOptions, ScanContext } from '../context.js';
import type { Limits } from '../limits.js';
import type { Policy } from '../../python-globals/policy.js';

export class FilteredContext implements ScanContext {
  private readonly inner: ScanContext;
  private readonly filter: (f: FindingInput) => FindingInput | undefined;
  /** Errors a scanner reports through `fail`: passed on (a first reading) or dropped (a second one). */
  private readonly failures: 'pass' | 'drop';
  constructor(inner: ScanContext, filter: (f: FindingInput) => FindingInput | undefined, failures: 'pass' | 'drop') {
    this.inner = inner;
    this.filter = filter;
    this.failures = failures;
  }
  get limits(): Limits {
    return this.inner.limits;
  }
  get location(): Location {
    return this.inner.location;
  }
  get depth(): number {
    return this.inner.depth;
  }
  get profile(): string | undefined {
    return this.inner.profile;
  }
  get dir(): string | undefined {
    return this.inner.dir;
  }
  get inflateBudget(): number {
    return this.inner.inflateBudget;
  }
  policyFor(format: string): Policy {
    return this.inner.policyFor(format);
  }
  report(finding: FindingInput): void {
    const f = this.filter(finding);
    if (f !== undefined) this.inner.report(f);
  }
  fail(error: unknown, formatId: string): void {
    if (this.failures === 'pass') this.inner.fail(error, formatId);
  }
  spendInflated(n: number, what: string): void {
    this.inner.spendInflated(n, what);
  }
  info(key: string, value: InfoValue): void {
    this.inner.info(key, value);
  }
  child(member: string): ScanContext {
    return new FilteredContext(this.inner.child(member), this.filter, this.failures);
  }
  nested(src: ByteSource, member: string, options?: NestedOptions): Promise<void> {
    return this.inner.nested(src, member, options);
  }
  as(format: string, src: ByteSource, options?: Omit<NestedOptions, 'format'>): Promise<void> {
    return this.inner.as(format, src, options);
  }
  defer(src: ByteSource, member: string, options?: NestedOptions): void {
    this.inner.defer(src, member, options);
  }
}
