/**
 * ONNX: a protobuf `ModelProto`, walked on the wire (model.ts) and checked
 * for what loading it can do beyond computing: read files outside the
 * model directory through external data, and require operator libraries
 * outside the standard domains (native code the user is asked to register).
 */
import { ModelguardError } from '../../errors.js';
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { ScanContext } from '../context.js';
import type { FormatScanner } from '../format.js';
import { DEFAULT_LIMITS, type Limits } from '../limits.js';
import { checkLocation, checkOnDisk, type LocationFinding } from './external-data.js';
import { ModelWalker, type OnnxModel } from './model.js';
import { EXTERNAL_DATA_INFO } from './rules.js';
import { sniffOnnx } from './sniff.js';

/** Domains of the ONNX standard operator sets. */
const STANDARD_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.training', 'ai.onnx.preview.training', 'ai.onnx.preview']);
/** onnxruntime's built-in contrib/internal domains: compiled into onnxruntime, no library to load (reported as info). */
const RUNTIME_DOMAINS = new Set(['com.microsoft', 'com.microsoft.nchwc', 'com.microsoft.experimental', 'com.ms.internal.nhwc', 'com.microsoft.dml']);

export const onnxScanner: FormatScanner = {
  id: 'onnx',
  title: 'ONNX model',
  sniff: sniffOnnx,
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    await Promise.resolve();
    const walker = new ModelWalker(new WindowCursor(src), ctx.limits.maxGraphDepth);
    let failure: { error: unknown } | undefined;
    try {
      walker.walk(0, src.size);
    } catch (e) {
      failure = { error: e };
    }
    // Everything found before a broken field is still reported.
    report(walker.model, ctx);
    if (failure === undefined) checkComplete(walker.model, ctx);
    const e = failure?.error;
    if (e instanceof ModelguardError && (e.code === 'E_MALFORMED' || e.code === 'E_TRUNCATED')) {
      ctx.report({ rule: 'onnx/malformed', severity: 'suspicious', message: e.message, location: e.offset === undefined ? {} : { offset: e.offset } });
    } else if (failure !== undefined) {
      throw failure.error;
    }
  },
};

/** What onnx.checker requires of every model: an IR version, a graph and (IR >= 3) opset imports. */
function checkComplete(m: OnnxModel, ctx: ScanContext): void {
  const missing: string[] = [];
  if (m.irVersion === undefined) missing.push('ir_version');
  if (m.graphs === 0) missing.push('graph');
  if (m.opsets.length === 0 && (m.irVersion ?? 0) >= 3) missing.push('opset_import');
  if (missing.length > 0) {
    ctx.report({ rule: 'onnx/malformed', severity: 'suspicious', message: `model has no ${missing.join(', ')} (truncated or not a model); loaders reject it` });
  }
}

function report(m: OnnxModel, ctx: ScanContext): void {
  if (m.irVersion !== undefined) ctx.info('ir version', m.irVersion);
  if (m.producer !== undefined) ctx.info('producer', `${m.producer}${m.producerVersion === undefined ? '' : ` ${m.producerVersion}`}`);
  if (m.opsets.length > 0)
    ctx.info(
      'opsets',
      m.opsets.map((o) => `${o.domain || 'ai.onnx'}:${o.version}`),
    );
  ctx.info('graphs', m.graphs);
  ctx.info('nodes', m.nodes);
  ctx.info('initializers', m.initializers);
  ctx.info('inline tensor bytes', m.inlineBytes);
  if (m.functions.size > 0)
    ctx.info(
      'functions',
      [...m.functions].map((f) => f.replace('\0', '.')),
    );
  reportDomains(m, ctx);
  reportExternal(m, ctx);
}

function reportDomains(m: OnnxModel, ctx: ScanContext): void {
  const localDomains = new Set([...m.functions].map((f) => f.split('\0')[0] ?? ''));
  const runtime: string[] = [];
  for (const [domain, ops] of m.domains) {
    if (STANDARD_DOMAINS.has(domain)) continue;
    if (RUNTIME_DOMAINS.has(domain)) {
      runtime.push(domain);
      continue;
    }
    const foreign = [...ops].filter((op) => !m.functions.has(`${domain}\0${op}`));
    if (foreign.length === 0 && localDomains.has(domain)) continue;
    ctx.report({
      rule: 'onnx/custom-domain',
      severity: 'suspicious',
      message: `nodes use operators ${foreign.slice(0, 8).join(', ')} from custom domain ${JSON.stringify(domain)}: running the model needs a custom operator library`,
    });
  }
  if (runtime.length > 0) ctx.info('onnxruntime contrib domains', runtime);
}

/** Bounds the report; sharded external data rarely spans more than a few hundred files. */
const MAX_LISTED_FILES = 10_000;

function reportExternal(m: OnnxModel, ctx: ScanContext): void {
  const files = new Set<string>();
  for (const ref of m.external) {
    const where = `tensor ${JSON.stringify(ref.tensor)} (${ref.path})`;
    const loc = { offset: ref.at };
    const unreached = ref.external ? '' : ' (data_location is not EXTERNAL, so loaders do not follow it)';
    if (ref.locations.length === 0) {
      ctx.report({ rule: 'onnx/malformed', severity: 'suspicious', message: `${where} is stored externally but has no location`, location: loc });
      continue;
    }
    if (ref.locations.length > 1) {
      ctx.report({
        rule: 'onnx/malformed',
        severity: 'suspicious',
        message: `${where} has ${ref.locations.length} location entries; loaders disagree on which wins`,
        location: loc,
      });
    }
    for (const location of ref.locations) {
      files.add(location);
      let found: LocationFinding[] = checkLocation(location);
      if (found.length === 0 && ctx.dir !== undefined) found = checkOnDisk(ctx.dir, location, ref.offset, ref.length);
      for (const f of found) {
        const severity = f.severity === 'malicious' && !ref.external ? 'suspicious' : f.severity;
        ctx.report({ rule: f.rule, severity, message: `${where}: ${f.message}${unreached}`, location: loc });
      }
    }
  }
  if (files.size > 0) ctx.info(EXTERNAL_DATA_INFO, [...files].slice(0, MAX_LISTED_FILES));
}

/**
 * The `location` of every external-data entry in an ONNX model, as written
 * (relative or not, deduplicated, in file order). For directory scans: the
 * files a model references are its data, not unknown-format files. Returns
 * what was found before any parse error; never throws for malformed input.
 */
export function externalDataReferences(src: ByteSource, limits: Limits = DEFAULT_LIMITS): string[] {
  const walker = new ModelWalker(new WindowCursor(src), limits.maxGraphDepth);
  try {
    walker.walk(0, src.size);
  } catch (e) {
    if (!(e instanceof ModelguardError)) throw e;
  }
  return [...new Set(walker.model.external.flatMap((r) => r.locations))];
}
