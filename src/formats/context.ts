/**
 * What a format scanner sees of the engine while it scans one input.
 */
import type { ByteSource } from '../bytes/source.js';
import type { FindingInput, Location } from '../findings/finding.js';
import type { InfoValue } from '../findings/report.js';
import type { Limits } from './limits.js';
import type { Policy } from '../python-globals/policy.js';

export interface NestedOptions {
  /** Skip sniffing and scan as this format id. */
  format?: string;
  /** Pickle profile for pickles found inside (joblib uses `sklearn`, npy `numpy`). */
  profile?: string;
}

export interface ScanContext {
  readonly limits: Limits;
  /** Where this input is: the file and the chain of container members. */
  readonly location: Location;
  /** Archive/stream nesting depth of this input (0 for the file itself). */
  readonly depth: number;
  /** Pickle profile the user chose, or the one an enclosing format set; undefined means "by format". */
  readonly profile: string | undefined;
  /**
   * Directory holding the scanned file on disk, when there is one. Lets formats
   * that reference sibling files (ONNX external data) check them; undefined
   * for buffers and nested members.
   */
  readonly dir: string | undefined;
  /**
   * The pickle policy for content of `format`: the user's profile if one was
   * chosen (or an enclosing format's), else the format's own, plus the user's allowlist.
   */
  policyFor(format: string): Policy;
  /** Adds a finding; missing location fields are filled from `location`. */
  report(finding: FindingInput): void;
  /**
   * Reports an error thrown while scanning as `formatId` as the finding it
   * stands for (`E_MALFORMED` → `engine/malformed`, `E_LIMIT` →
   * `engine/limit`, anything unexpected → `engine/internal-error`), for
   * scanners that catch a member's error and go on with the next member.
   */
  fail(error: unknown, formatId: string): void;
  /**
   * Bytes that decompressors and archive readers may still produce for this
   * file, across every nested layer (CWE-409: a gzip in a zip in a tar each
   * under its own limit could still multiply). Starts at `limits.maxInflatedBytes`.
   */
  readonly inflateBudget: number;
  /**
   * Charges `n` produced bytes to the file's inflation budget. Throws `E_LIMIT`
   * (naming `what`) when the total would pass `limits.maxInflatedBytes`;
   * callers charge before scanning what they produced.
   */
  spendInflated(n: number, what: string): void;
  /** Records a fact shown in reports (opset, tensor count, pickle protocol...). */
  info(key: string, value: InfoValue): void;
  /**
   * A context for a container member analysed by the caller itself (not
   * dispatched): findings are located in `member`.
   */
  child(member: string): ScanContext;
  /** Sniffs and scans nested bytes as a member named `member`, depth-limited. */
  nested(src: ByteSource, member: string, options?: NestedOptions): Promise<void>;
  /** Scans `src` as a specific format in the *same* location (no new member level). */
  as(format: string, src: ByteSource, options?: Omit<NestedOptions, 'format'>): Promise<void>;
  /**
   * Queues a nested scan of `src` as member `member`, run once the current
   * scanner has returned: for synchronous analyses (the pickle machine) that
   * meet a whole file inside a value, such as the bytes a pickle hands to
   * `torch.storage._load_from_bytes`. The same member is scanned once.
   */
  defer(src: ByteSource, member: string, options?: NestedOptions): void;
}
