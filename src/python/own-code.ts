/**
 * Library calls that reach a sink in the reachability tables only through
 * arguments hand-written code does not give them.
 *
 * The tables are built for pickles, where an attacker chooses every
 * argument: `dataclasses.dataclass(cls)` execs source built from `cls`, so
 * for a pickle it is code execution. In a module's own source the
 * argument is the module's own class, whose fields the analyser reads: the
 * exec runs nothing the module did not write where the analyser sees it.
 * Each entry below says which arguments keep the call inert; any other
 * argument leaves the call to the tables (a sink stays a sink).
 *
 * Used for hand-written code only (remote-code modules); generated code
 * (fx, TorchScript) is judged strictly and never calls these.
 */
import type { Expr } from './ast.js';

/** What the analyser knows about one argument. */
export type ArgKind =
  /** A def, class or lambda of this code, or an instance of one of its classes. */
  | 'local'
  /** A constant string that is a dotted identifier (`flash_attn`, `torch.nn`). */
  | 'identifier'
  /** A constant string naming a URL (`https://…`). */
  | 'url'
  /** A constant of another kind (a number, `True`, `None`, a string that is not an identifier). */
  | 'constant'
  /** Bytes the code carries or decodes (`b"…"`, `base64.b64decode(…)`, `io.BytesIO(…)`). */
  | 'blob'
  | 'other';

export interface OwnCall {
  /** Positional arguments, by kind. */
  args: readonly ArgKind[];
  /** Keyword arguments by name, by kind, with the constant value where there is one. */
  kws: ReadonlyMap<string, { kind: ArgKind; value: unknown }>;
  /** Whether the module's source has function type comments (`# type: (int) -> int`), which torch.jit evaluates. */
  typeComments: boolean;
}

type Rule = (c: OwnCall) => boolean;

const onlyLocal: Rule = (c) => c.args.every((a) => a === 'local');
/** Evaluates the annotations of what it is given; the analyser reads a local definition's annotations itself. */
const annotationsOfLocal: Rule = (c) => c.args.every((a) => a === 'local') && !c.typeComments;
const notEvalStr: Rule = (c) => {
  const e = c.kws.get('eval_str');
  return e === undefined || (e.kind === 'constant' && e.value === false);
};

/**
 * Dotted names as written after import resolution. The reason each is
 * inert with the arguments its rule admits:
 */
const OWN_CODE: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  // execs `__init__`/`__repr__`... source built from the class's field names (identifiers of a class the analyser read)
  ['dataclasses.dataclass', onlyLocal],
  // compile the function's own source (TorchScript, or dynamo's bytecode capture); the source is this module's, already read.
  // torch.jit evaluates string annotations (read by the analyser as expressions) and function type comments (refused here).
  ['torch.jit.script', annotationsOfLocal],
  ['torch.jit.script_method', annotationsOfLocal],
  ['torch.jit._script.script', annotationsOfLocal],
  ['torch.compile', onlyLocal],
  // evaluate string annotations of a local definition (read as expressions by the analyser)
  ['typing.get_type_hints', annotationsOfLocal],
  // eval only with eval_str=True
  ['inspect.signature', notEvalStr],
  ['inspect.get_annotations', notEvalStr],
  ['inspect.Signature.from_callable', notEvalStr],
  // imports the parent package of a constant module name, as an import statement would
  ['importlib.util.find_spec', (c) => c.args[0] === 'identifier'],
  // lists a directory (the table's os.open is the read-only directory descriptor)
  ['glob.glob', () => true],
  ['glob.iglob', () => true],
  // opens a log file only when given filename= (or a handler the code made, judged where it is made)
  ['logging.basicConfig', (c) => !c.kws.has('filename')],
  // read a file (the table's open is numpy's DataSource, which also fetches URLs: a constant URL stays a sink)
  ['numpy.loadtxt', (c) => c.args[0] !== 'url'],
  ['numpy.genfromtxt', (c) => c.args[0] !== 'url'],
  ['numpy.fromfile', () => true],
]);

/**
 * Loaders that read a file by path: what they deserialise is a file of the
 * repository, which the scan reads on its own, or one the code downloaded
 * (a network sink of its own). With bytes the code carries they are a
 * payload loader, and stay a sink.
 */
const FILE_LOADERS: ReadonlySet<string> = new Set([
  'torch.load',
  'torch.serialization.load',
  'numpy.load',
  'joblib.load',
  'pickle.load',
  '_pickle.load',
  'safetensors.torch.load_file',
]);

/** Whether calling `name` with these arguments is inert by the table above; undefined when the name is not listed. */
export function ownCodeCall(name: string, c: OwnCall): boolean | undefined {
  if (FILE_LOADERS.has(name)) return !c.args.includes('blob') && c.kws.get('f')?.kind !== 'blob';
  return OWN_CODE.get(name)?.(c);
}

/** Whether holding `name` without calling it here is inert (a loader passed to `partial`, a decorator applied to a local). */
export function ownCodeHold(name: string): boolean {
  return FILE_LOADERS.has(name) || OWN_CODE.has(name);
}

/** Calls whose result is bytes the code carries: decoders and decompressors of constants, and byte buffers. */
const BLOB_MAKERS =
  /^(base64\.\w*decode\w*|binascii\.\w+|zlib\.decompress|bz2\.decompress|lzma\.decompress|gzip\.decompress|codecs\.decode|builtins\.bytes|builtins\.bytearray|builtins\.bytes\.fromhex|io\.BytesIO|marshal\.dumps|pickle\.dumps)$/;

export function makesBlob(name: string): boolean {
  return BLOB_MAKERS.test(name);
}

/** `# type: (…) -> …` on a def line or the line after it: torch.jit evaluates it. */
const FUNCTION_TYPE_COMMENT = /#\s*type:\s*\(/;

export function hasFunctionTypeComments(src: string): boolean {
  return FUNCTION_TYPE_COMMENT.test(src);
}

/** A constant string that Python could import or resolve as a dotted name. */
export function isIdentifier(e: Expr): boolean {
  return e.k === 'const' && typeof e.value === 'string' && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(e.value);
}
