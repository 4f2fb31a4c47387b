/**
 * Errors of the Python reader. A `PySyntaxError` means the source is not
 * Python this reader accepts (a real syntax error, or a construct outside
 * the subset it parses); a limit error means the source is too large or too
 * deep to read safely. Callers turn either into a finding that is never
 * `clean`: code that cannot be read cannot be vouched for.
 */
import { ModelguardError } from '../errors.js';

export class PySyntaxError extends ModelguardError {
  /** 1-based line and column of the offending token. */
  readonly line: number;
  readonly col: number;
  constructor(message: string, line: number, col: number) {
    super('E_MALFORMED', `line ${line}:${col}: ${message}`);
    this.name = 'PySyntaxError';
    this.line = line;
    this.col = col;
  }
}

export class PyLimitError extends ModelguardError {
  readonly line: number;
  constructor(message: string, line: number) {
    super('E_LIMIT', `line ${line}: ${message}`);
    this.name = 'PyLimitError';
    this.line = line;
  }
}

/** Whether `e` is one of the reader's own errors (anything else is a bug). */
export function isPyReadError(e: unknown): e is PySyntaxError | PyLimitError {
  return e instanceof PySyntaxError || e instanceof PyLimitError;
}
