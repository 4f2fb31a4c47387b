/**
 * Typed errors with stable codes.
 *
 * Every error the library throws on purpose is a `ModelguardError` whose
 * `code` is one of a closed union. Callers branch on `code`, never on the
 * message. Areas that need their own codes (vault, sign, ...) extend the
 * union in their own `errors.ts` by subclassing with a wider code type.
 *
 * How to treat each shared code:
 * - `E_TRUNCATED`: the input ends before a structure it declares. For a
 *   scanner this is a finding about the file, not a failure of the tool.
 * - `E_MALFORMED`: the bytes break the format's rules. Same treatment.
 * - `E_LIMIT`: a resource limit (size, depth, count, inflation) was hit.
 *   The file is `unscannable` unless findings already prove worse.
 * - `E_UNSUPPORTED`: a valid input the library cannot handle (yet).
 * - `E_IO`: the operating system refused a read or write.
 * - `E_USAGE`: the caller passed bad arguments. The CLI exits with 2.
 * - `E_POLICY`: a policy or allowlist file is invalid.
 * - `E_REFUSED`: the operation was refused for a security reason (for
 *   example converting a malicious checkpoint without opting in).
 */
export type ErrorCode = 'E_TRUNCATED' | 'E_MALFORMED' | 'E_LIMIT' | 'E_UNSUPPORTED' | 'E_IO' | 'E_USAGE' | 'E_POLICY' | 'E_REFUSED';

export class ModelguardError<C extends string = ErrorCode> extends Error {
  readonly code: C;
  /** Absolute byte offset in the input the error is about, when known. */
  readonly offset: number | undefined;

  constructor(code: C, message: string, options?: { offset?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelguardError';
    this.code = code;
    this.offset = options?.offset;
  }
}

export function isModelguardError(e: unknown): e is ModelguardError<string> {
  return e instanceof ModelguardError;
}

/** Throws `E_USAGE` unless `cond` holds. For argument checks at API boundaries. */
export function usage(cond: unknown, message: string): asserts cond {
  if (!cond) throw new ModelguardError('E_USAGE', message);
}

/** Renders any thrown value as one line, without a stack trace. */
export function describeError(e: unknown): string {
  if (e instanceof ModelguardError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === undefined ? e.message : `${code}: ${e.message}`;
  }
  return String(e);
}
