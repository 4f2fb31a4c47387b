/**
 * TensorFlow Lite models (`.tflite`): a FlatBuffer with the file identifier
 * `TFL3` (tensorflow/lite/schema/schema.fbs, root table `Model`).
 *
 * The interpreter runs built-in kernels, plus custom ops the application
 * registered. Two kinds of custom op matter:
 * - Flex ops (`Flex<Op>`, "select TensorFlow ops"): the Flex delegate runs
 *   the TensorFlow kernel of the NodeDef serialized in the op's custom
 *   options. That is how a .tflite reaches ReadFile, WriteFile or PyFunc, and
 *   the delegate executes the NodeDef's op, whatever the custom code says, so
 *   both the name and the options bytes are checked against the TensorFlow
 *   op table.
 * - any other custom op: native code of the application's or a library's
 *   resolver, out of sight (suspicious), except the few the stock resolver
 *   registers itself.
 *
 * Tables read (field ids): Model{version 0, operator_codes 1, subgraphs 2,
 * description 3}; OperatorCode{deprecated_builtin_code 0, custom_code 1,
 * builtin_code 3}; SubGraph{operators 3}; Operator{opcode_index 0,
 * custom_options 5}.
 */
import { ByteReader } from '../../bytes/reader.js';
import type { ByteSource } from '../../bytes/source.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner, Probe } from '../format.js';
import { defineRules } from '../../findings/rules.js';
import { TF_OPS, type OpReach } from '../tensorflow/ops.js';
import { TF_REGISTERED_OPS } from '../tensorflow/registry.js';
import { WindowCursor } from '../../bytes/window.js';

const RULES = {
  model: {
    id: 'tflite/model',
    title: 'TensorFlow Lite model',
    severity: 'info',
    help: 'A TFLite FlatBuffer: its operator codes and every operator of every subgraph were read; built-in kernels compute on tensors.',
  },
  flexReach: {
    id: 'tflite/flex-op',
    title: 'Flex op runs a TensorFlow op that reaches outside the model',
    severity: 'malicious',
    help: 'A Flex ("select TensorFlow ops") custom op makes the Flex delegate run a full TensorFlow kernel, taken from the NodeDef in the op\'s custom options. ReadFile, WriteFile, PyFunc, dataset readers and the like read or write files, call Python or connect out, exactly as in a SavedModel.',
  },
  flexOther: {
    id: 'tflite/flex-unregistered',
    title: 'Flex op that TensorFlow does not register',
    severity: 'suspicious',
    help: 'A Flex op whose TensorFlow op is not in tf.raw_ops: it needs a custom TensorFlow op library in the process; what it does is out of sight.',
  },
  custom: {
    id: 'tflite/custom-op',
    title: 'Custom op outside the stock resolver',
    severity: 'suspicious',
    help: 'A custom operator the stock TFLite resolver does not register (it knows TFLite_Detection_PostProcess, Mfcc and AudioSpectrogram): the application must supply native code for it, which modelguard cannot see.',
  },
} as const;
defineRules(Object.values(RULES));

const CUSTOM = 32;
/** Custom ops the stock BuiltinOpResolver registers (tensorflow/lite/kernels/register.cc). */
const STOCK_CUSTOM = new Set(['TFLite_Detection_PostProcess', 'Mfcc', 'AudioSpectrogram']);
const REACHING: ReadonlySet<OpReach> = new Set(['python', 'file-read', 'file-write', 'network', 'checkpoint-write']);
/** Bounds (CWE-400). */
const MAX_CODES = 100_000;
const MAX_SUBGRAPHS = 10_000;
const MAX_OPERATORS = 10_000_000;
const MAX_OPTIONS_SCANNED = 1 << 20;

/**
 * Ops whose kernel reaches out, as they appear in a serialized NodeDef: the
 * `op` field (2, length-delimited), so tag 0x12, the length, the name. The
 * exact length keeps `PyFunc` from matching inside `EagerPyFunc`, and a node
 * named `Save_1` (field 1) from matching `Save`.
 */
const NEEDLES: [string, Uint8Array][] = [...TF_OPS.entries()]
  .filter(([, info]) => REACHING.has(info.reach) && info.attr === undefined)
  .map(([op]) => {
    const name = new TextEncoder().encode(op);
    return [op, Uint8Array.from([0x12, name.length, ...name])];
  });

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Bounds-checked FlatBuffer access over a source (little-endian, offsets relative to where they are stored). */
export class Flat {
  private readonly c: WindowCursor;
  readonly size: number;
  constructor(src: ByteSource) {
    this.c = new WindowCursor(src, 0, src.size, 64 * 1024);
    this.size = src.size;
  }
  /** The cursor at `at`, once `n` bytes there are known to lie inside the file. */
  private at(at: number, n: number, what: string): WindowCursor {
    if (!Number.isSafeInteger(at) || at < 0 || at + n > this.size) {
      throw new ModelguardError('E_MALFORMED', `${what} at offset ${at} lies outside the file (${this.size} bytes)`, { offset: Math.max(0, at) });
    }
    this.c.seek(at);
    return this.c;
  }
  u8(at: number, what: string): number {
    return this.at(at, 1, what).u8(what);
  }
  u16(at: number, what: string): number {
    return this.at(at, 2, what).u16(what);
  }
  u32(at: number, what: string): number {
    return this.at(at, 4, what).u32(what);
  }
  i32(at: number, what: string): number {
    return this.at(at, 4, what).i32(what);
  }
  /** A table: its position and vtable. */
  table(at: number, what: string): { at: number; vt: number; vtSize: number; size: number } {
    const vt = at - this.i32(at, `${what} vtable offset`);
    const vtSize = this.u16(vt, `${what} vtable`);
    const size = this.u16(vt + 2, `${what} vtable`);
    if (vtSize < 4 || vtSize % 2 !== 0 || vt + vtSize > this.size || size < 4) {
      throw new ModelguardError('E_MALFORMED', `${what} at offset ${at}: vtable of ${vtSize} bytes for a table of ${size}`, { offset: at });
    }
    return { at, vt, vtSize, size };
  }
  /** The table a uoffset stored at `pos` points at (vector elements of tables, the root at 0). */
  tableAt(pos: number, what: string): { at: number; vt: number; vtSize: number; size: number } {
    return this.table(pos + this.u32(pos, what), what);
  }
  /** Position of field `i` in table `t`, or undefined when absent. */
  field(t: { at: number; vt: number; vtSize: number; size: number }, i: number, what: string): number | undefined {
    if (4 + 2 * i >= t.vtSize) return undefined;
    const o = this.u16(t.vt + 4 + 2 * i, what);
    if (o === 0) return undefined;
    if (o >= t.size) throw new ModelguardError('E_MALFORMED', `${what}: field offset ${o} past its ${t.size}-byte table at ${t.at}`, { offset: t.at });
    return t.at + o;
  }
  /** The vector an offset field points at: element start and count (`elem` bytes each). */
  vector(pos: number, elem: number, max: number, what: string): { at: number; len: number } {
    const v = pos + this.u32(pos, what);
    const len = this.u32(v, `${what} length`);
    if (len > max) throw new ModelguardError('E_LIMIT', `${what}: ${len} entries (limit ${max})`, { offset: v });
    if (v + 4 + len * elem > this.size) throw new ModelguardError('E_MALFORMED', `${what}: ${len} entries at offset ${v} run past the file`, { offset: v });
    return { at: v + 4, len };
  }
  string(pos: number, max: number, what: string): string {
    const v = this.vector(pos, 1, Number.MAX_SAFE_INTEGER, what);
    return new TextDecoder().decode(this.read(v.at, Math.min(v.len, max), what));
  }
  read(at: number, n: number, what: string): Uint8Array {
    return this.at(at, n, what).bytes(n, what);
  }
}

interface Code {
  builtin: number;
  custom: string | undefined;
}

export function readCodes(f: Flat, root: ReturnType<Flat['table']>): Code[] {
  const pos = f.field(root, 1, 'Model.operator_codes');
  if (pos === undefined) return [];
  const v = f.vector(pos, 4, MAX_CODES, 'operator_codes');
  const out: Code[] = [];
  for (let i = 0; i < v.len; i++) {
    const e = v.at + 4 * i;
    const t = f.tableAt(e, 'OperatorCode');
    const depPos = f.field(t, 0, 'OperatorCode.deprecated_builtin_code');
    const customPos = f.field(t, 1, 'OperatorCode.custom_code');
    const codePos = f.field(t, 3, 'OperatorCode.builtin_code');
    const dep = depPos === undefined ? 0 : (f.u8(depPos, 'deprecated_builtin_code') << 24) >> 24;
    const code = codePos === undefined ? 0 : f.i32(codePos, 'builtin_code');
    // TFLite's GetBuiltinCode: the larger of the two (old files only set the byte).
    out.push({ builtin: Math.max(dep, code), custom: customPos === undefined ? undefined : f.string(customPos, 256, 'custom_code') });
  }
  return out;
}

export function sniffTflite(head: Uint8Array, size: number): boolean {
  if (size < 16 || head.length < 8) return false;
  if (head[4] !== 0x54 || head[5] !== 0x46 || head[6] !== 0x4c || head[7] !== 0x33) return false; // "TFL3"
  const root = new ByteReader(head).u32le('root offset');
  return root >= 8 && root + 4 <= size;
}

export const tfliteFormat: FormatScanner = {
  id: 'tflite',
  title: 'TensorFlow Lite model',
  sniff(probe: Probe): boolean {
    return sniffTflite(probe.head, probe.size);
  },
  scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const f = new Flat(src);
    const root = f.tableAt(0, 'Model');
    const versionPos = f.field(root, 0, 'Model.version');
    if (versionPos !== undefined) ctx.info('tflite.version', f.u32(versionPos, 'version'));
    const descPos = f.field(root, 3, 'Model.description');
    if (descPos !== undefined) ctx.info('tflite.description', f.string(descPos, 200, 'description'));
    const codes = readCodes(f, root);
    ctx.info('tflite.operatorCodes', codes.length);
    const report = (rule: keyof typeof RULES, message: string, global?: string): void => {
      const r = RULES[rule];
      ctx.report({ rule: r.id, severity: r.severity, message, ...(global === undefined ? {} : { global }) });
    };
    // Custom codes by kind; Flex ops are judged per operator (their options say what actually runs).
    for (const c of codes) {
      if (c.builtin !== CUSTOM || c.custom === undefined || c.custom.startsWith('Flex')) continue;
      if (!STOCK_CUSTOM.has(c.custom)) report('custom', `custom op '${c.custom}' needs native code the stock resolver does not have`, c.custom);
    }
    const subPos = f.field(root, 2, 'Model.subgraphs');
    if (subPos === undefined) throw new ModelguardError('E_MALFORMED', 'a model without subgraphs (the interpreter refuses it)');
    const subs = f.vector(subPos, 4, MAX_SUBGRAPHS, 'subgraphs');
    let operators = 0;
    const flagged = new Set<string>();
    for (let s = 0; s < subs.len; s++) {
      const e = subs.at + 4 * s;
      const sg = f.tableAt(e, 'SubGraph');
      const opsPos = f.field(sg, 3, 'SubGraph.operators');
      if (opsPos === undefined) continue;
      const ops = f.vector(opsPos, 4, MAX_OPERATORS, 'operators');
      operators += ops.len;
      if (operators > MAX_OPERATORS) throw new ModelguardError('E_LIMIT', `more than ${MAX_OPERATORS} operators`);
      for (let i = 0; i < ops.len; i++) {
        const oe = ops.at + 4 * i;
        const op = f.tableAt(oe, 'Operator');
        const idxPos = f.field(op, 0, 'Operator.opcode_index');
        const idx = idxPos === undefined ? 0 : f.u32(idxPos, 'opcode_index');
        const code = codes[idx];
        if (code === undefined)
          throw new ModelguardError('E_MALFORMED', `operator ${i} of subgraph ${s} uses operator code ${idx} of ${codes.length}`, { offset: op.at });
        if (code.builtin !== CUSTOM || code.custom?.startsWith('Flex') !== true) continue;
        const named = code.custom.slice(4);
        const optPos = f.field(op, 5, 'Operator.custom_options');
        let options: Uint8Array = new Uint8Array(0);
        if (optPos !== undefined) {
          const v = f.vector(optPos, 1, Number.MAX_SAFE_INTEGER, 'custom_options');
          options = f.read(v.at, Math.min(v.len, MAX_OPTIONS_SCANNED), 'custom_options');
        }
        // The delegate runs the NodeDef's op: look for reaching op names in the options, and take the name too.
        const hits = new Set<string>();
        if (TF_OPS.has(named) && REACHING.has((TF_OPS.get(named) as { reach: OpReach }).reach)) hits.add(named);
        for (const [name, needle] of NEEDLES) if (indexOf(options, needle) >= 0) hits.add(name);
        for (const h of hits) {
          const key = `${code.custom}\0${h}`;
          if (flagged.has(key)) continue;
          flagged.add(key);
          const info = TF_OPS.get(h) as { why: string };
          report(
            'flexReach',
            `Flex op '${code.custom}' (operator ${i} of subgraph ${s}) runs TensorFlow op ${h}, which ${info.why}`,
            `tensorflow.raw_ops.${h}`,
          );
        }
        if (hits.size === 0 && !TF_REGISTERED_OPS.has(named) && !flagged.has(code.custom)) {
          flagged.add(code.custom);
          report('flexOther', `Flex op '${code.custom}' names ${named}, which TensorFlow does not register`, `tensorflow.raw_ops.${named}`);
        }
      }
    }
    ctx.info('tflite.subgraphs', subs.len);
    ctx.info('tflite.operators', operators);
    const custom = codes.filter((c) => c.builtin === CUSTOM).map((c) => c.custom ?? '?');
    report(
      'model',
      `TFLite model: ${subs.len} subgraph(s), ${operators} operators, ${codes.length} operator codes${custom.length > 0 ? ` (custom: ${custom.slice(0, 8).join(', ')})` : ''}`,
    );
    return Promise.resolve();
  },
};
