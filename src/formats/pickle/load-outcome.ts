/**
 * What `pickle.load` would do with a byte stream, up to the point where it
 * fails: the rule that tells a protocol 0/1 pickle from text that happens
 * to start with opcode letters (`cat\ndog` reads as GLOBAL `at.dog`).
 *
 * The walk follows CPython's `_pickle.c` (Python 3.11, the loader the
 * corpus checks against): the stack depth and its marks, the memo's keys,
 * and each opcode's preconditions (`load_append`, `load_build`,
 * `marker()`: "unexpected MARK found", "could not find MARK", "Memo value
 * not found"). Where versions differ or a check depends on values (a
 * REDUCE on a string), it assumes the load goes on: an error here makes a
 * stream look more like a pickle, never less.
 *
 * An import alone runs only module code already on the machine, so a
 * stream whose last act before failing is one import of a name the
 * denylist does not name is not an attack; anything done after an import
 * (a call, an APPEND on `sys.path`, a SETITEM on a module dict, a STOP
 * that returns it) is. A module whose name is not a dotted Python
 * identifier (`ompute_environment: LOCAL_MACHINE`, `lass Net(nn.Module):`)
 * cannot be imported unless a file of that exact name sits on the
 * import path, which only shipped code can arrange (and then the shipped
 * code, not this file, is the payload): the load fails there.
 */
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import { Policy } from '../../python-globals/policy.js';
import { getProfile } from '../../python-globals/profiles.js';
import { mapPy2 } from '../../python-globals/names.js';
import { OPCODES, Op } from './opcodes.js';
import { PickleReader, type GlobalArg } from './reader.js';

/**
 * - `acts`: reaches a call, an instantiation, an import the denylist names,
 *   or any opcode after an import;
 * - `stop`: a complete pickle (STOP) of plain data, nothing acting first;
 * - `cut`: valid up to the end of the bytes given (a cut pickle, the head of
 *   a longer stream), or too long to decide;
 * - `broken`: fails for certain before anything acts.
 */
export type LoadEnd = 'acts' | 'stop' | 'cut' | 'broken';

export interface LoadOutcome {
  end: LoadEnd;
  /** Opcodes that completed. */
  ops: number;
  /** Completed opcodes that build structure (MARK, containers, memo). */
  structural: number;
  /** A module was imported (a name the denylist does not name), and nothing was done after it. */
  imported: boolean;
  /** `cut` inside the first opcode, whose argument is binary (`GGUF` read as BINFLOAT). */
  cutInBinaryArg: boolean;
  /** `cut` inside an opcode's argument (`cpu`: a GLOBAL's module line), not between two opcodes (`(`). */
  cutInArg: boolean;
  /** `cut` at one of this walk's own bounds (opcodes walked, a line too long to keep), not at the end of the bytes: undecided. */
  limit: boolean;
  /** Offset where the walk ended. */
  at: number;
  /** Why it ended, for messages. */
  why: string;
}

/** Opcodes walked before the answer is "too long to decide" (`cut`); bounds the mark and memo tables (CWE-400). */
const MAX_OPS = 1_000_000;
/** Memo keys tracked; past this, every GET is assumed to hit (CWE-400). */
const MAX_MEMO_KEYS = 100_000;
/** Bytes of an over-long GLOBAL line examined for a character no module name has. */
const LINE_PREFIX = 64 * 1024;

const LINE_ARGS: ReadonlySet<string> = new Set([
  'decimalnl_short',
  'decimalnl_long',
  'floatnl',
  'stringnl',
  'stringnl_noescape',
  'stringnl_noescape_pair',
  'unicodestringnl',
]);

/** One component of a module path or attribute name as Python spells identifiers (PEP 3131, without NFKC). */
const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

const utf8 = new TextDecoder('utf-8', { fatal: true });

let denylistPolicy: Policy | undefined;

/** Whether importing `full` (`module.name`) is itself on the denylist (`antigravity`, `os.system`). */
function deniedImport(module: string, name: string): boolean {
  denylistPolicy ??= new Policy(getProfile('default'));
  const [m, n] = mapPy2(module, name);
  return denylistPolicy.judge(m, n, n === '' ? m : `${m}.${n}`).kind === 'denied';
}

/** The leading components of `module` that are identifiers: what `import` reaches before it fails. */
function importablePrefix(module: string): string {
  const parts = module.split('.');
  let n = 0;
  while (n < parts.length && IDENTIFIER.test(parts[n] as string)) n++;
  return parts.slice(0, n).join('.');
}

/** An attribute path `getattr` can follow (dots allowed: protocol 4 resolves them; `<locals>` too, to stay lenient). */
function attributePath(name: string): boolean {
  return name.split('.').every((c) => c === '<locals>' || IDENTIFIER.test(c));
}

/** A character no module name has (whitespace, `:`, `=`, quotes...) in the first line at `pos`. */
function lineHasNonName(src: ByteSource, pos: number, end: number): boolean {
  const bytes = src.read(pos, Math.min(LINE_PREFIX, end - pos));
  const nl = bytes.indexOf(0x0a);
  const line = nl >= 0 ? bytes.subarray(0, nl) : bytes;
  for (const c of line) {
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c >= 0x80;
    if (!ok) return true;
  }
  return false;
}

/** Walks the stream from `start` as `pickle.load` would, and says how it ends. */
export function pickleLoadOutcome(src: ByteSource, start: number, end: number): LoadOutcome {
  // Most text starts with a byte that is no opcode (`#`, `{`, a letter pickle does not use): answer without a reader.
  if (start < end && OPCODES[src.read(start, 1)[0] ?? 0] === undefined) {
    return {
      end: 'broken',
      ops: 0,
      structural: 0,
      imported: false,
      cutInBinaryArg: false,
      cutInArg: false,
      limit: false,
      at: start,
      why: 'the first byte is not an opcode',
    };
  }
  return new LoadWalk(src, start, end).run();
}

class LoadWalk {
  private readonly src: ByteSource;
  private readonly end: number;
  private readonly reader: PickleReader;
  private len = 0;
  private marks: number[] = [];
  private memo = new Set<number>();
  private memoKnown = true;
  private ops = 0;
  private structural = 0;
  private imported = false;
  private stops = 0;
  private cutInArg = false;

  constructor(src: ByteSource, start: number, end: number) {
    this.src = src;
    this.end = end;
    this.reader = new PickleReader(src, start, end, 256);
  }

  private out(end: LoadEnd, at: number, why: string, cutInBinaryArg = false, limit = false): LoadOutcome {
    // A complete pickle earlier in the stream is what a first `pickle.load` returns.
    const e = end !== 'acts' && this.stops > 0 ? 'stop' : end;
    return {
      end: e,
      ops: this.ops,
      structural: this.structural,
      imported: this.imported && e !== 'acts',
      cutInBinaryArg,
      cutInArg: this.cutInArg,
      limit: limit && e === 'cut',
      at,
      why,
    };
  }

  private get fence(): number {
    return this.marks.at(-1) ?? 0;
  }

  /** `marker()`: pops the top mark, or -1 when there is none. */
  private marker(): number {
    const m = this.marks.pop();
    return m ?? -1;
  }

  run(): LoadOutcome {
    const r = this.reader;
    while (!r.atEnd) {
      if (this.ops >= MAX_OPS) return this.out('cut', r.pos, `${MAX_OPS} opcodes without an end`, false, true);
      const pos = r.pos;
      let code: number;
      let arg: unknown;
      try {
        const op = r.next();
        code = op.code;
        arg = op.arg;
      } catch (e) {
        return this.failedRead(e, pos);
      }
      const wasImported = this.imported;
      const ended = this.step(code, arg, pos);
      if (ended !== undefined) return ended;
      // Anything done after an import uses what was imported (or returns it): the stream acts.
      if (wasImported) return this.out('acts', pos, 'an opcode runs after an import');
      this.ops++;
    }
    return this.out('cut', r.pos, 'the bytes end inside the stream');
  }

  private failedRead(e: unknown, pos: number): LoadOutcome {
    if (!(e instanceof ModelguardError)) throw e;
    const code = this.src.read(pos, 1)[0] ?? 0;
    const info = OPCODES[code];
    // INST looks for its MARK before reading its lines.
    if (code === Op.INST && this.marks.length === 0) return this.out('broken', pos, 'INST: could not find MARK');
    if (e.code === 'E_TRUNCATED') {
      if (code === Op.GLOBAL || code === Op.INST) {
        const g = this.lastLineGlobal(pos);
        this.cutInArg = true;
        // A cut pickle all the same: the import happens, then the load runs out of bytes.
        if (g !== undefined) return this.global(g, pos, false) ?? this.out('cut', pos, 'the name line ends without a newline');
      }
      const binary = this.ops === 0 && info !== undefined && !LINE_ARGS.has(info.arg);
      this.cutInArg = true;
      return this.out('cut', pos, e.message, binary);
    }
    if (e.code === 'E_LIMIT') {
      // A line longer than the reader keeps: a GLOBAL whose module line already holds a non-name character fails at import.
      if ((code === Op.GLOBAL || code === Op.INST) && lineHasNonName(this.src, pos + 1, this.end)) {
        return this.out('broken', pos, 'the module line is not a module name');
      }
      return this.out('cut', pos, e.message, false, true);
    }
    return this.out('broken', pos, e.message);
  }

  /**
   * A GLOBAL or INST whose name line is the last line, without a newline: CPython
   * reads it anyway (dropping its last character as if it were the newline) and
   * imports the module before the attribute lookup fails. Undefined when the
   * module line itself is unfinished or the name too short to be read.
   */
  private lastLineGlobal(pos: number): GlobalArg | undefined {
    const rest = this.src.read(pos + 1, Math.min(LINE_PREFIX, this.end - pos - 1));
    const nl = rest.indexOf(0x0a);
    if (nl < 0 || rest.length - nl - 1 < 2 || rest.indexOf(0x0a, nl + 1) >= 0) return undefined;
    try {
      return { module: utf8.decode(rest.subarray(0, nl)), name: utf8.decode(rest.subarray(nl + 1, rest.length - 1)), validUtf8: true };
    } catch {
      return undefined;
    }
  }

  /** Applies one opcode to the stack model; returns the outcome when the walk ends here. */
  private step(code: number, arg: unknown, pos: number): LoadOutcome | undefined {
    const underflow = (): LoadOutcome => this.out('broken', pos, this.marks.length > 0 ? 'unexpected MARK found' : 'unpickling stack underflow');
    const noMark = (): LoadOutcome => this.out('broken', pos, 'could not find MARK');
    const acts = (what: string): LoadOutcome => this.out('acts', pos, what);
    const notCallable = (): LoadOutcome => this.out('broken', pos, 'calls a plain value (nothing was imported): TypeError');
    const above = (n: number): boolean => this.len - n >= this.fence;
    switch (code) {
      case Op.MARK:
        this.marks.push(this.len);
        this.structural++;
        return undefined;
      case Op.STOP:
        if (this.len < 1 || !above(1)) return underflow();
        // The next pickle.load starts afresh; a reused Unpickler keeps its memo, so any GET may hit.
        this.stops++;
        this.len = 0;
        this.marks = [];
        this.memoKnown = false;
        return undefined;
      case Op.POP:
        if (this.marks.length > 0 && this.marks.at(-1) === this.len) this.marks.pop();
        else if (this.len <= this.fence) return underflow();
        else this.len--;
        return undefined;
      case Op.POP_MARK: {
        const m = this.marker();
        if (m < 0) return noMark();
        this.len = m;
        return undefined;
      }
      case Op.DUP:
        if (!above(1)) return underflow();
        this.len++;
        return undefined;
      case Op.TUPLE:
      case Op.LIST:
      case Op.FROZENSET:
      case Op.DICT: {
        const m = this.marker();
        if (m < 0) return noMark();
        if (code === Op.DICT && (this.len - m) % 2 !== 0) return this.out('broken', pos, 'odd number of items for DICT');
        this.len = m + 1;
        this.structural++;
        return undefined;
      }
      case Op.TUPLE1:
      case Op.TUPLE2:
      case Op.TUPLE3: {
        const n = code - Op.TUPLE1 + 1;
        if (!above(n)) return underflow();
        this.len -= n - 1;
        return undefined;
      }
      case Op.APPEND:
        if (this.len - 1 <= this.fence) return underflow();
        this.len--;
        this.structural++;
        return undefined;
      case Op.SETITEM:
        if (this.len - 2 <= this.fence) return underflow();
        this.len -= 2;
        this.structural++;
        return undefined;
      case Op.APPENDS:
      case Op.SETITEMS:
      case Op.ADDITEMS: {
        const m = this.marker();
        if (m < 0) return noMark();
        if (m <= 0 && !(code === Op.ADDITEMS && this.len === m)) return underflow();
        if (code === Op.SETITEMS && (this.len - m) % 2 !== 0) return this.out('broken', pos, 'odd number of items for SETITEMS');
        this.len = m;
        this.structural++;
        return undefined;
      }
      case Op.BUILD:
        if (!above(2)) return underflow();
        this.len--;
        this.structural++;
        return undefined;
      case Op.PUT:
      case Op.BINPUT:
      case Op.LONG_BINPUT:
      case Op.MEMOIZE: {
        if (!above(1)) return underflow();
        const key = code === Op.MEMOIZE ? this.memo.size : Number(arg);
        if (key < 0) return this.out('broken', pos, 'negative PUT argument');
        if (this.memo.size < MAX_MEMO_KEYS) this.memo.add(key);
        else this.memoKnown = false;
        this.structural++;
        return undefined;
      }
      case Op.GET:
      case Op.BINGET:
      case Op.LONG_BINGET:
        if (this.memoKnown && !this.memo.has(Number(arg))) return this.out('broken', pos, `Memo value not found at index ${String(arg)}`);
        this.len++;
        return undefined;
      case Op.PROTO:
        if (typeof arg === 'number' && arg > 5) return this.out('broken', pos, `unsupported pickle protocol: ${arg}`);
        return undefined;
      case Op.FRAME:
        return undefined;
      case Op.NEXT_BUFFER:
        // pickle.load raises without a `buffers` argument ("pickle stream refers to out-of-band data").
        return this.out('broken', pos, 'out-of-band buffer without buffers');
      case Op.READONLY_BUFFER:
        return above(1) ? undefined : underflow();
      case Op.GLOBAL:
        return this.global(arg as GlobalArg, pos, false);
      case Op.INST: {
        const m = this.marker();
        if (m < 0) return noMark();
        this.len = m;
        return this.global(arg as GlobalArg, pos, true);
      }
      // Only an import yields something callable (anything after an import already acts): before one, the stack
      // holds plain values (numbers, strings, containers, what persistent_load returns) and the call raises TypeError.
      case Op.REDUCE:
      case Op.NEWOBJ:
        return above(2) ? notCallable() : underflow();
      case Op.NEWOBJ_EX:
        return above(3) ? notCallable() : underflow();
      case Op.OBJ: {
        const m = this.marker();
        if (m < 0) return noMark();
        return this.len - m >= 1 ? notCallable() : underflow();
      }
      case Op.STACK_GLOBAL:
        // Imports by two strings from the stack, which this walk does not track: assume the worst.
        return above(2) ? acts('STACK_GLOBAL imports') : underflow();
      case Op.EXT1:
      case Op.EXT2:
      case Op.EXT4:
        // copyreg's extension registry is empty unless the loading process fills it: pickle.load raises here
        // ("unregistered extension code"). Shift_JIS text starts with EXT1 (0x82, hiragana) and EXT2 (0x83, katakana).
        return this.out('broken', pos, 'unregistered extension code');
      // pickle.load raises without a persistent_load hook; torch's hooks return storages. Either way no code of
      // the stream's choosing runs: assume a value comes back and go on.
      case Op.PERSID:
        this.len++;
        return undefined;
      case Op.BINPERSID:
        return above(1) ? undefined : underflow();
      default:
        // Constants, EMPTY_*: one more value.
        this.len++;
        if (code === Op.EMPTY_DICT || code === Op.EMPTY_LIST || code === Op.EMPTY_TUPLE) this.structural++;
        return undefined;
    }
  }

  /** GLOBAL or INST: the import `find_class` attempts, then the attribute. */
  private global(g: GlobalArg, pos: number, inst: boolean): LoadOutcome | undefined {
    // CPython decodes both lines (strict UTF-8) before importing; an empty line fails too.
    if (!g.validUtf8 || g.module === '' || g.name === '') return this.out('broken', pos, 'the module or name line does not decode');
    const reached = importablePrefix(g.module);
    const whole = reached === g.module && attributePath(g.name);
    if (reached !== '') {
      if (deniedImport(reached, whole ? g.name : '')) return this.out('acts', pos, `imports ${reached}`);
      this.imported = true;
    }
    if (!whole) return this.out('broken', pos, `${JSON.stringify(g.module)}.${JSON.stringify(g.name)} is not an importable name`);
    this.structural++;
    if (inst) return this.out('acts', pos, 'INST instantiates');
    this.len++;
    return undefined;
  }
}
