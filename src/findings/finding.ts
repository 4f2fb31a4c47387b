/**
 * What a scanner reports: findings with a where and a why.
 *
 * A finding is about the input, never about the tool: parse errors of the
 * file under test are findings (`*.malformed`), not exceptions.
 */

/**
 * How bad one finding is.
 * - `info`: worth showing, changes nothing (opset, tensor count, a benign oddity).
 * - `suspicious`: something the policy cannot vouch for, or an attack artefact
 *   the designated loader does not reach.
 * - `malicious`: the loader would run code, touch the file system or the
 *   network, or the file breaks its format in a way used against parsers.
 * - `unscannable`: part of the input could not be analysed (encrypted,
 *   unknown format, over a resource limit). Never counts as clean.
 */
export type Severity = 'info' | 'suspicious' | 'malicious' | 'unscannable';

/** Where a finding is. */
export interface Location {
  /** The file as named on the command line or relative to the scanned directory. */
  file: string;
  /**
   * Container members from the outside in: `['archive/data.pkl']` for a zip
   * member, `['model.tar.gz', 'm/pytorch_model.bin', 'archive/data.pkl']` for nesting.
   */
  member?: string[];
  /** Byte offset inside the innermost member (or the file when there is no member). */
  offset?: number;
  /** Pickle opcode name when the finding is about one opcode. */
  opcode?: string;
}

export interface Finding {
  /** Stable rule id, `<area>/<what>`; see `rules.ts`. Tests assert on this. */
  rule: string;
  severity: Severity;
  /** One or two sentences: what was found and why it matters. */
  message: string;
  location: Location;
  /** Fully qualified global (`os.system`) when the finding is about one. */
  global?: string;
  /** The invocation rendered as Python-like text, arguments as far as they are constants. */
  call?: string;
  /** How the global is used: imported, called, instantiated, built, passed as an argument. */
  use?: string;
}

/** Input to `report`: the location may be partial; the context fills in file and members. */
export interface FindingInput extends Omit<Finding, 'location'> {
  location?: Partial<Location>;
}
