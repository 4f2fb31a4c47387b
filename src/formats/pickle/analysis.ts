/**
 * Policy-aware hooks for the pickle machine: records every global with how
 * it is used, applies the effects of allowlisted callables (what they do
 * with their arguments), and turns it all into findings.
 */
import { SliceSource, type ByteSource } from '../../bytes/source.js';
import type { ScanContext } from '../context.js';
import { resolveGlobal } from '../../python-globals/canonical.js';
import type { Severity } from '../../findings/finding.js';
import type { Policy, Judgement } from '../../python-globals/policy.js';
import { USE_WEIGHT, permitsUse, type Effects, type Use } from '../../python-globals/types.js';
import { FX_DEFAULT_TRACER, FX_REDUCER, FX_RULES, analyseFxCall, isDefaultTracer } from './fx-code.js';
import { GetattrShapes } from './getattr.js';
import { SlotJudge, type SlotMark } from './implicit.js';
import type { Anomaly, MachineHooks, Site } from './machine.js';
import type { PickleReader } from './reader.js';
import { render, renderCall } from './render.js';
import { PICKLE_RULES } from './rules.js';
import { PyBytes, PyGlobal, PyObject, PyTuple, PyUnknown, typeName, type PyValue } from './values.js';

interface UseRecord {
  site: Site;
  /** Renders the invocation; only called when a finding needs it. */
  call: (() => string) | undefined;
  count: number;
  /**
   * The first slot of the implicit-call model this use reached (where the
   * loader or the class's own code calls it); `strict` once any reached slot
   * is not one where users put their own functions.
   */
  slot: SlotMark | undefined;
  strict: boolean;
}

interface GlobalRecord {
  g: PyGlobal;
  judgement: Judgement;
  uses: Map<Use, UseRecord>;
}

export interface AnalysisOptions {
  ctx: ScanContext;
  policy: Policy;
  /** What `persistent_load` returns; without it, persistent ids are a finding (plain pickle.load raises). */
  persistentLoad?: (pid: PyValue, site: Site, analysis: PickleAnalysis) => PyValue;
  /** Runs after every BUILD with the reader (joblib reads array data here) and this analysis. */
  afterBuild?: (target: PyValue, state: PyValue, reader: PickleReader, analysis: PickleAnalysis) => void;
  /** Prefix for messages, e.g. `pickle #2: `. */
  label?: string;
  /** The bytes the pickle is read from (byte offsets of values refer to it): embedded files are scanned from here. */
  src?: ByteSource;
}

/**
 * `torch.storage._load_from_bytes(b)` is `torch.load(io.BytesIO(b), weights_only=False)`:
 * what pickle.dump and joblib.dump write for every torch storage. With constant bytes its
 * effect is that of loading an embedded torch file, which is scanned as one (a nested
 * member); with anything else it stays the denied loader it is.
 */
const EMBEDDED_TORCH_LOAD = 'torch.storage._load_from_bytes';

function isEmbeddedTorchLoad(g: PyGlobal): boolean {
  if (g.full === EMBEDDED_TORCH_LOAD) return true;
  // The answer depends on the name tables only: kept for the process (every checkpoint calls the same few callables).
  const key = `${g.module}\0${g.name}`;
  let known = embeddedLoaderNames.get(key);
  if (known === undefined) {
    const r = resolveGlobal(g.module, g.name);
    known = r.tracked && r.targets.length > 0 && r.targets.every((t) => t.name === EMBEDDED_TORCH_LOAD);
    if (embeddedLoaderNames.size >= MAX_KEPT_NAMES) embeddedLoaderNames.clear();
    embeddedLoaderNames.set(key, known);
  }
  return known;
}

/** Names (module, attribute path) already resolved by `isEmbeddedTorchLoad`; emptied when full, so hostile streams cannot grow it without bound. */
const embeddedLoaderNames = new Map<string, boolean>();
const MAX_KEPT_NAMES = 4096;

/** At most this many `pickle/malformed` findings per pickle (the first error is what matters). */
const MAX_SEMANTIC_FINDINGS = 3;

export class PickleAnalysis implements MachineHooks {
  private readonly opts: AnalysisOptions;
  private readonly globals = new Map<string, GlobalRecord>();
  /** Whether a global (by full name) denotes the embedded torch loader: resolved once per global, not per call. */
  private readonly embeddedLoader = new Map<string, boolean>();
  /** Globals (by full name) called as the embedded torch loader with constant bytes, and how often. */
  private readonly embeddedLoads = new Map<string, { site: Site; count: number }>();
  private semanticCount = 0;
  private finished = false;
  private readonly getattr: GetattrShapes;
  /** Values of unknown identity the stream stores or places where they are called (a method of an object of unknown class). */
  private readonly unresolvedValues: { what: string; site: Site; slot: SlotMark | undefined }[] = [];
  private readonly slots: SlotJudge;
  afterBuild?: (target: PyValue, state: PyValue, reader: PickleReader) => void;
  /** Globals whose listed uses a reader of the code they carry has vouched for (fx-code.ts). */
  private readonly vouched = new Map<string, Set<Use>>();

  constructor(opts: AnalysisOptions) {
    this.opts = opts;
    this.getattr = new GetattrShapes({
      record: (g, use, site, call) => {
        this.record(g, use, site, call);
      },
      report: (rule, severity, message, site, extra) => {
        this.report(rule, severity, message, site, extra);
      },
      unresolved: (what, site) => {
        if (this.unresolvedValues.length < MAX_UNRESOLVED) this.unresolvedValues.push({ what, site, slot: undefined });
      },
    });
    this.slots = new SlotJudge({
      policy: opts.policy,
      record: (g, use, site, call, slot) => {
        this.record(g, use, site, call, slot);
      },
      unresolved: (what, site, slot) => {
        if (this.unresolvedValues.length < MAX_UNRESOLVED) this.unresolvedValues.push({ what, site, slot });
      },
      implicitCall: (severity, message, site) => {
        this.report(PICKLE_RULES.implicitCall, severity, message, site);
      },
      anomaly: (a) => {
        this.onAnomaly(a);
      },
    });
    const after = opts.afterBuild;
    if (after !== undefined)
      this.afterBuild = (t, st, r) => {
        after(t, st, r, this);
      };
  }

  /** Globals seen so far, fully qualified. */
  globalNames(): string[] {
    return [...this.globals.keys()];
  }

  /** Adds a finding located at `site` (for format layers such as the torch persistent loader). */
  report(rule: { id: string }, severity: Severity, message: string, site: Site, extra: { global?: string; call?: string; use?: string } = {}): void {
    this.opts.ctx.report({
      rule: rule.id,
      severity,
      message: `${this.opts.label ?? ''}${message}`,
      location: { offset: site.pos, opcode: site.opcode },
      ...extra,
    });
  }

  private record(g: PyGlobal, use: Use, site: Site, call?: () => string, slot?: SlotMark): GlobalRecord {
    let r = this.globals.get(g.full);
    if (r === undefined) {
      r = { g, judgement: this.opts.policy.judge(g.module, g.name, g.full), uses: new Map() };
      this.globals.set(g.full, r);
    }
    const u = r.uses.get(use);
    const strict = slot !== undefined && !slot.callback;
    if (u === undefined) r.uses.set(use, { site, call, count: 1, slot, strict });
    else {
      u.count++;
      // The first strict slot is the one findings name.
      if (slot !== undefined && (u.slot === undefined || (strict && !u.strict))) {
        u.slot = slot;
        u.site = site;
        if (call !== undefined) u.call = call;
      }
      u.strict ||= strict;
    }
    return r;
  }

  // --- MachineHooks

  onImport(g: PyGlobal, site: Site): void {
    this.record(g, 'import', site);
  }

  onReference(g: PyGlobal, site: Site): void {
    this.record(g, 'arg', site);
  }

  onInvoke(obj: PyObject, site: Site): PyValue {
    const callee = obj.callee;
    const call = (): string => renderCall(callee, obj.args, obj.kwargs, obj.origin === 'new' ? 'new' : 'call');
    if (callee instanceof PyGlobal) {
      const shaped = this.getattr.onCall(obj, callee, site, call);
      if (shaped !== undefined) return shaped;
      if (this.embeddedLoad(obj, callee, site)) return new PyUnknown('an object torch.load made from embedded bytes');
      const use: Use = obj.origin === 'new' ? 'new' : 'call';
      const j = this.record(callee, use, site, call).judgement;
      obj.owner = callee;
      if (callee.full === FX_REDUCER && use === 'call') this.fxCode(obj, site);
      const fx = j.kind === 'allowed' ? j.entry.effects : undefined;
      const result = fx === undefined ? obj : this.applyEffects(fx, obj, site);
      this.slots.onCall(obj, callee, site);
      return result;
    }
    if (callee instanceof PyObject && this.getattr.isBound(callee)) {
      this.getattr.reportCall(callee, call(), site);
    } else if (callee instanceof PyObject && callee.origin === 'ext') {
      const text = call();
      this.report(PICKLE_RULES.callOnObject, 'suspicious', `calls the object of an extension code: ${text}`, site, { call: text });
    } else if (callee instanceof PyObject || callee instanceof PyUnknown) {
      const what = callee instanceof PyUnknown ? `an unknown value (${callee.why})` : `an object created at offset ${callee.pos}`;
      const text = call();
      this.report(PICKLE_RULES.callOnObject, 'suspicious', `${site.opcode} invokes ${what}: ${text}`, site, { call: text });
    } else {
      this.onAnomaly({ kind: 'semantic', message: `${site.opcode}: ${typeName(callee ?? null)} is not callable`, site });
    }
    return obj;
  }

  /** A call of the embedded torch loader on constant bytes: queued as a nested torch file instead of judged as a call. */
  private embeddedLoad(obj: PyObject, callee: PyGlobal, site: Site): boolean {
    const src = this.opts.src;
    if (src === undefined || obj.origin !== 'call' || obj.kwargs !== undefined) return false;
    let loader = this.embeddedLoader.get(callee.full);
    if (loader === undefined) {
      loader = isEmbeddedTorchLoad(callee);
      this.embeddedLoader.set(callee.full, loader);
    }
    if (!loader) return false;
    const args = obj.args instanceof PyTuple && obj.args.count === 1 ? obj.args.items : undefined;
    const b = args?.[0];
    if (!(b instanceof PyBytes) || b.kind !== 'bytes' || b.length === 0 || b.offset < 0 || b.offset + b.length > src.size) return false;
    this.opts.ctx.defer(new SliceSource(src, b.offset, b.length), `${EMBEDDED_TORCH_LOAD}@${b.offset}`);
    const prev = this.embeddedLoads.get(callee.full);
    if (prev === undefined) this.embeddedLoads.set(callee.full, { site, count: 1 });
    else prev.count++;
    return true;
  }

  /**
   * A GraphModule's source, read and judged: its findings name the call,
   * line and chain; when nothing in it is a finding, the reducer (and the
   * default tracer it re-traces with) are vouched for instead of denied.
   */
  private fxCode(obj: PyObject, site: Site): void {
    const out = analyseFxCall(obj, this.opts.policy);
    if (out.kind === 'unreadable') {
      this.report(FX_RULES.code, 'suspicious', `${FX_REDUCER} execs code the scanner cannot read: ${out.why}`, site, { global: FX_REDUCER });
      return;
    }
    const a = out.analysis;
    for (const f of [...a.findings].sort((x, y) => x.line - y.line)) {
      const chain = f.chain === undefined || f.chain.length < 2 ? '' : ` (${f.chain.join(' → ')})`;
      this.report(FX_RULES.code, f.severity, `GraphModule code line ${f.line}: ${f.why}${f.why.includes(' → ') ? '' : chain}`, site, { call: f.call });
    }
    // The code's own findings say what it does; the tracer is vouched only as torch's default.
    this.vouch(FX_REDUCER, ['import', 'call']);
    if (isDefaultTracer(out.tracer)) this.vouch(FX_DEFAULT_TRACER, ['import', 'arg']);
    if (a.findings.length > 0) return;
    const calls = [...a.calls.keys()].sort();
    this.report(
      FX_RULES.code,
      'info',
      `GraphModule code (${out.source.split('\n').length} lines) read and judged: it calls ${calls.length === 0 ? 'nothing' : calls.slice(0, 30).join(', ')}`,
      site,
      {
        global: FX_REDUCER,
      },
    );
  }

  private vouch(full: string, uses: readonly Use[]): void {
    let s = this.vouched.get(full);
    if (s === undefined) this.vouched.set(full, (s = new Set()));
    for (const u of uses) s.add(u);
  }

  private applyEffects(fx: Effects, obj: PyObject, site: Site): PyValue {
    if (!(obj.args instanceof PyTuple)) {
      // REDUCE spreads any tuple subclass (a namedtuple, a structseq) into the call: its items are unknown here.
      this.report(
        PICKLE_RULES.implicitCall,
        'malicious',
        `${render(obj.callee)} instantiates, calls or imports what its arguments name, and its arguments were computed while loading (${render(obj.args)})`,
        site,
      );
      return fx.resolves === undefined ? obj : new PyUnknown('dynamic import');
    }
    const args = obj.args.items;
    for (const i of fx.newArgs ?? []) {
      const a = args[i];
      if (a instanceof PyGlobal) this.record(a, 'new', site, () => call1(a, 'new'));
      else if (a instanceof PyObject || a instanceof PyUnknown) {
        this.report(PICKLE_RULES.callOnObject, 'suspicious', `${render(obj.callee)} instantiates a class computed while loading: ${render(a)}`, site);
      }
    }
    for (const i of fx.buildArgs ?? []) {
      const a = args[i];
      if (a instanceof PyGlobal) this.record(a, 'build', site);
    }
    if (fx.callArg !== undefined) {
      const fn = args[fx.callArg.fn];
      const fnArgs = fx.callArg.args === undefined ? undefined : args[fx.callArg.args];
      if (fn instanceof PyGlobal) {
        // A higher-order function calls its argument right away: a slot of the loader itself.
        this.slots.judge(fn, { at: { arg: fx.callArg.fn }, calls: 'call', when: 'while loading' }, site, `the function argument of ${render(obj.callee)}`);
        this.record(fn, 'call', site, () => renderCall(fn, fnArgs));
      } else if (fn instanceof PyObject && this.getattr.isBound(fn)) {
        this.getattr.reportCall(fn, `${render(obj.callee)} calls ${render(fn)}`, site);
      } else if (fn instanceof PyObject || fn instanceof PyUnknown) {
        this.report(PICKLE_RULES.callOnObject, 'suspicious', `${render(obj.callee)} calls its argument ${render(fn)}`, site);
      }
    }
    if (fx.resultClassArg !== undefined) {
      const c = args[fx.resultClassArg];
      if (c instanceof PyGlobal) obj.owner = c;
    }
    if (fx.resolves !== undefined) {
      let target: string | undefined;
      if ('dotted' in fx.resolves) {
        const d = args[fx.resolves.dotted];
        if (typeof d === 'string') target = d;
      } else {
        const m = args[fx.resolves.module];
        const n = args[fx.resolves.name];
        if (typeof m === 'string' && typeof n === 'string') target = `${m}.${n}`;
      }
      if (target === undefined || !target.includes('.')) {
        this.onAnomaly({
          kind: 'dynamic-import',
          message: `${render(obj.callee)} resolves a name that is not a constant: ${renderCall(obj.callee, obj.args)}`,
          site,
        });
        return new PyUnknown('dynamic import');
      }
      const dot = target.indexOf('.');
      const resolved = new PyGlobal(target.slice(0, dot), target.slice(dot + 1), site.pos);
      this.record(resolved, 'import', site);
      return resolved;
    }
    return obj;
  }

  onBuild(target: PyValue, state: PyValue, site: Site): void {
    if (target instanceof PyObject) {
      const cls = target.dunders.get('__class__');
      const owner = cls instanceof PyGlobal ? cls : target.owner;
      if (owner !== undefined) this.record(owner, 'build', site);
      this.slots.onBuild(target, state, site);
    } else if (!(target instanceof PyGlobal) && !(target instanceof PyUnknown)) {
      this.onAnomaly({ kind: 'semantic', message: `BUILD on a ${typeName(target)}, which has no state to set`, site });
    }
  }

  onMutate(target: PyValue, site: Site, items: readonly PyValue[]): void {
    if (target instanceof PyObject) this.slots.onMutate(target, site, items);
    if (target instanceof PyObject && target.owner !== undefined) this.record(target.owner, 'build', site);
    else if (!(target instanceof PyGlobal) && !(target instanceof PyObject) && !(target instanceof PyUnknown)) {
      this.onAnomaly({ kind: 'semantic', message: `${site.opcode} on a ${typeName(target)}`, site });
    }
  }

  onPersistentId(pid: PyValue, site: Site): PyValue {
    if (this.opts.persistentLoad !== undefined) return this.opts.persistentLoad(pid, site, this);
    this.report(PICKLE_RULES.persistentId, 'suspicious', `persistent id ${render(pid)}: pickle.load raises here without a persistent_load hook`, site);
    return new PyObject({ origin: 'persid', pos: site.pos, opcode: site.opcode, extra: pid });
  }

  onExtension(code: number, site: Site): PyValue {
    this.report(
      PICKLE_RULES.extension,
      'suspicious',
      `${site.opcode} ${code}: resolved through copyreg's extension registry (empty by default: pickle.load raises; a process that registered ${code} imports whatever it maps to)`,
      site,
    );
    return new PyObject({ origin: 'ext', pos: site.pos, opcode: site.opcode, extra: code });
  }

  onAnomaly(a: Anomaly): void {
    switch (a.kind) {
      case 'semantic':
        this.semanticCount++;
        if (this.semanticCount <= MAX_SEMANTIC_FINDINGS) this.report(PICKLE_RULES.malformed, 'suspicious', a.message, a.site);
        return;
      case 'dynamic-import':
        this.report(PICKLE_RULES.dynamicImport, 'malicious', a.message, a.site);
        return;
      case 'build-global':
        this.report(PICKLE_RULES.buildOnGlobal, 'malicious', a.message, a.site);
        return;
      case 'mutate-global':
        this.report(PICKLE_RULES.mutateGlobal, 'malicious', a.message, a.site);
        return;
      case 'state-dunder':
        this.report(PICKLE_RULES.stateDunder, 'malicious', a.message, a.site);
        return;
      case 'out-of-band':
        this.report(PICKLE_RULES.outOfBand, 'suspicious', a.message, a.site);
        return;
    }
  }

  /** Emits one finding per offending global. Idempotent; call it even when the stream broke. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const profile = this.opts.policy.profile.id;
    for (const r of this.globals.values()) {
      const j = r.judgement;
      // Most globals of a real file are allowed for every use they have: decided without sorting the uses.
      if (j.kind === 'allowed' && everyUsePermitted(j.entry, r.uses)) continue;
      const uses = [...r.uses.entries()].sort((a, b) => USE_WEIGHT[b[0]] - USE_WEIGHT[a[0]]);
      const [topUse, top] = uses[0] as [Use, UseRecord];
      const embedded = this.embeddedLoads.get(r.g.full);
      if (embedded !== undefined && uses.every(([u]) => u === 'import')) {
        // Only ever called on constant bytes: each embedded file is scanned in its own right.
        const times = embedded.count > 1 ? ` ${embedded.count} times` : '';
        this.report(
          PICKLE_RULES.embeddedTorchFile,
          'info',
          `${r.g.full} loads embedded bytes with torch.load${times}; each is scanned as a nested torch file`,
          embedded.site,
          {
            global: r.g.full,
          },
        );
        continue;
      }
      const vouched = this.vouched.get(r.g.full);
      if (vouched !== undefined && uses.every(([u]) => vouched.has(u))) continue;
      const refs = this.getattr.safeShapes(r.g.full);
      if (refs !== undefined && uses.every(([u]) => u === 'import')) {
        const times = refs.count > 1 ? ` (×${refs.count})` : '';
        this.report(
          PICKLE_RULES.boundMethod,
          'info',
          `getattr only in the shapes pickle writes (a bound method stored as a value, a dotted name): ${refs.call}${times}`,
          refs.site,
          {
            global: r.g.full,
            call: refs.call,
          },
        );
        continue;
      }
      const how = describeUses(uses);
      const written = r.g.written !== undefined ? ` (written as ${r.g.written})` : '';
      const topCall = top.call?.();
      const base = { global: r.g.full, use: topUse, ...(topCall === undefined ? {} : { call: topCall }) };
      const strict = uses.find(([u, rec]) => rec.strict && !(j.kind === 'allowed' && permitsUse(j.entry, u)));
      if (j.kind === 'denied') {
        this.report(PICKLE_RULES.dangerous, 'malicious', `${r.g.full}${written} ${j.why}; ${how}`, top.site, base);
      } else if (strict !== undefined) {
        // Placed where the loader or the class's own code calls it, and nothing vouches that calling it is inert.
        const [use, rec] = strict;
        const standing = j.kind === 'unknown' ? `is not on the '${profile}' allowlist` : `is allowed only for ${j.entry.uses.join('/')}`;
        this.report(
          PICKLE_RULES.implicitCall,
          'malicious',
          `${r.g.full}${written} ${standing}, and sits at ${rec.slot?.text ?? 'a called slot'}; ${how}`,
          rec.site,
          {
            global: r.g.full,
            use,
            ...(rec.call === undefined ? {} : { call: rec.call() }),
          },
        );
      } else if (j.kind === 'unknown') {
        this.report(PICKLE_RULES.unknown, 'suspicious', `${r.g.full}${written} is not on the '${profile}' allowlist; ${how}`, top.site, base);
      } else {
        for (const [use, rec] of uses) {
          if (permitsUse(j.entry, use)) continue;
          this.report(
            PICKLE_RULES.disallowedUse,
            'suspicious',
            `${r.g.full} is allowed for ${j.entry.uses.join('/')} but is ${USE_VERB[use]} here${rec.call === undefined ? '' : `: ${rec.call()}`}`,
            rec.site,
            { global: r.g.full, use, ...(rec.call === undefined ? {} : { call: rec.call() }) },
          );
        }
      }
    }
    for (const u of this.unresolvedValues) {
      const strict = u.slot !== undefined && !u.slot.callback;
      const where = u.slot === undefined ? 'stored as a value; whoever holds it may call it' : `at ${u.slot.text}`;
      this.report(PICKLE_RULES.implicitCall, strict ? 'malicious' : 'suspicious', `a callable the scanner cannot identify: ${u.what}, ${where}`, u.site);
    }
  }
}

/** At most this many values of unknown identity are kept per pickle for findings (CWE-400). */
const MAX_UNRESOLVED = 32;

const USE_VERB: Record<Use, string> = {
  call: 'called with arguments from the file',
  invoke: 'placed where the loader or the class code calls it',
  new: 'instantiated',
  build: 'given state (its __setstate__ or item methods run)',
  arg: 'stored as a value',
  import: 'imported',
};

function everyUsePermitted(entry: Parameters<typeof permitsUse>[0], uses: ReadonlyMap<Use, UseRecord>): boolean {
  for (const u of uses.keys()) if (!permitsUse(entry, u)) return false;
  return true;
}

function describeUses(uses: [Use, UseRecord][]): string {
  return uses
    .map(([u, r]) => {
      const where = `at offset ${r.site.pos} (${r.site.opcode})`;
      const times = r.count > 1 ? ` ×${r.count}` : '';
      const slot = r.slot === undefined ? '' : ` (${r.slot.text})`;
      return u === 'call' || u === 'new' || u === 'invoke'
        ? `${USE_VERB[u]}${times} ${where}${slot}${r.call === undefined ? '' : `: ${r.call()}`}`
        : `${USE_VERB[u]}${times} ${where}`;
    })
    .join('; ');
}

function call1(g: PyGlobal, origin: 'new'): string {
  return renderCall(g, undefined, undefined, origin);
}
