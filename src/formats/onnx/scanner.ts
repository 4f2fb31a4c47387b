/**
 * ONNX: a protobuf `ModelProto`, walked on the wire (model.ts) and checked
 * for what loading it can do beyond computing: read files outside the
 * model directory through external data, and require operator libraries
 * outside the standard domains (native code the user is asked to register).
 */
import { ModelguardError } from '../../errors.js';
import type { ByteSource } from '../../bytes/source.js';
import { WindowCursor } from '../../bytes/window.js';
import type { ScanContext } from '../../scan/context.js';
import type { FormatScanner, Probe } from '../../scan/format.js';
import { DEFAULT_LIMITS, type Limits } from '../../scan/limits.js';
import { defineRules } from '../../scan/rules.js';
import { checkLocation, checkOnDisk, type LocationFinding } from './external-data.js';
import { ModelWalker, type OnnxModel } from './model.js';
import { BufferSource } from '../../bytes/source.js';
import { messageType } from './schema.js';
import { WIRE_LEN, WIRE_VARINT } from './wire.js';

const EXT_DOC = 'https://github.com/onnx/onnx/blob/main/docs/ExternalData.md';

defineRules([
  {
    id: 'onnx/external-data-traversal',
    title: 'External data path escapes the model directory',
    severity: 'malicious',
    help: 'A tensor\'s external_data location is absolute or contains "..": loading the model reads an arbitrary file (for example /etc/passwd or an SSH key) into a tensor, from where inference can leak it. Do not load it.',
    references: [EXT_DOC, 'https://nvd.nist.gov/vuln/detail/CVE-2022-25882', 'https://nvd.nist.gov/vuln/detail/CVE-2024-27318'],
  },
  {
    id: 'onnx/external-data-memory',
    title: 'External data uses the onnxruntime memory-address marker',
    severity: 'malicious',
    help: 'The location */_ORT_MEM_ADDR_/* makes unpatched onnxruntime treat the offset as a pointer into its own memory: an arbitrary memory read or crash. No model file has a reason to contain it.',
    references: ['https://github.com/microsoft/onnxruntime/pull/28709'],
  },
  {
    id: 'onnx/external-data-special-file',
    title: 'External data is not a regular file',
    severity: 'malicious',
    help: 'The external data resolves to a device, FIFO, socket or directory (or a Windows device name): reading it blocks, never ends or exposes system state.',
    references: [EXT_DOC],
  },
  {
    id: 'onnx/external-data-link',
    title: 'External data goes through a link',
    severity: 'suspicious',
    help: 'The external data file is a symbolic link or has several hard links, so its bytes may come from outside the model directory. Current onnx refuses such files.',
    references: [EXT_DOC],
  },
  {
    id: 'onnx/external-data-range',
    title: 'External data range is invalid',
    severity: 'suspicious',
    help: 'offset/length are not non-negative integers or lie outside the referenced file; loaders fail or read the wrong bytes.',
    references: [EXT_DOC],
  },
  {
    id: 'onnx/external-data-missing',
    title: 'External data file not present',
    severity: 'info',
    help: 'The model references an external data file that is not next to it, so it could not be checked.',
  },
  {
    id: 'onnx/custom-domain',
    title: 'Operators from a custom domain',
    severity: 'suspicious',
    help: 'Nodes use operators outside the ONNX standard domains, onnxruntime\'s built-in contrib domains and the model\'s own functions. Running the model needs a custom operator library (native code, or Python callables for onnxruntime-extensions PyOp) that the user must register: make sure it comes from a trusted source.',
    references: ['https://onnxruntime.ai/docs/reference/operators/add-custom-op.html'],
  },
  {
    id: 'onnx/malformed',
    title: 'ONNX protobuf is malformed',
    severity: 'suspicious',
    help: 'The protobuf encoding is broken (lengths past the end of a message, invalid tags) or ambiguous (several locations for one tensor). Loaders reject or misread it; a scanner and a loader could see different models.',
  },
]);

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
    let failure: unknown;
    try {
      walker.walk(0, src.size);
    } catch (e) {
      failure = e;
    }
    // Everything found before a broken field is still reported.
    report(walker.model, ctx);
    if (failure === undefined) checkComplete(walker.model, ctx);
    if (failure instanceof ModelguardError && (failure.code === 'E_MALFORMED' || failure.code === 'E_TRUNCATED')) {
      ctx.report({ rule: 'onnx/malformed', severity: 'suspicious', message: failure.message, location: failure.offset === undefined ? {} : { offset: failure.offset } });
    } else if (failure !== undefined) {
      throw failure;
    }
  },
};

/** Wire type of each ModelProto field, from the schema (varint for its integers, length-delimited otherwise). */
const MODEL_WIRE = new Map(
  messageType('ModelProto').fieldsArray.map((f) => [f.id, /^(u?int(32|64)|sint(32|64)|bool)$/.test(f.type) ? WIRE_VARINT : WIRE_LEN]),
);

/**
 * ONNX files are ModelProto messages: every field in the sniff window must be
 * a ModelProto field with its schema's wire type, `ir_version` (when present)
 * must be plausible, and there must be at least two fields or a graph.
 * Serializers write `ir_version` first, but loaders accept any field order.
 */
export function sniffOnnx(probe: Probe): boolean {
  const h = probe.head;
  if (h.length < 4 || looksLikeText(h)) return false;
  try {
    const cur = new WindowCursor(new BufferSource(h));
    let fields = 0;
    let graph = false;
    // IR versions 1-2 predate opset imports (2017). A TensorFlow SavedModel
    // (schema_version 1, then meta_graphs) has the same first two wire fields,
    // so such a file is claimed only when its graph shows up in the window.
    let ancient = false;
    while (cur.pos < h.length) {
      const tag = cur.varint();
      const id = Number(tag >> 3n);
      const wire = Number(tag & 7n);
      if (MODEL_WIRE.get(id) !== wire) return false;
      fields++;
      if (wire === WIRE_VARINT) {
        const v = cur.varint();
        if (id === 1 && (v < 1n || v > 100n)) return false;
        if (id === 1 && v < 3n) ancient = true;
        continue;
      }
      if (id === 7) graph = true;
      const len = cur.varint();
      // A field reaching past the window (or past the end: a broken model is still claimed so the
      // break is reported) ends the check.
      if (BigInt(cur.pos) + len >= BigInt(h.length)) return ancient ? graph : fields >= 2 || graph;
      cur.skip(Number(len));
    }
    return ancient ? graph : fields >= 2;
  } catch {
    return false;
  }
}

/** Text files can pass as a few protobuf fields; a model has tags and lengths outside printable ASCII early on. */
function looksLikeText(h: Uint8Array): boolean {
  const n = Math.min(h.length, 64);
  for (let i = 0; i < n; i++) {
    const c = h[i] as number;
    if (!(c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0x7e))) return false;
  }
  return true;
}

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
  if (m.opsets.length > 0) ctx.info('opsets', m.opsets.map((o) => `${o.domain || 'ai.onnx'}:${o.version}`));
  ctx.info('graphs', m.graphs);
  ctx.info('nodes', m.nodes);
  ctx.info('initializers', m.initializers);
  ctx.info('inline tensor bytes', m.inlineBytes);
  if (m.functions.size > 0) ctx.info('functions', [...m.functions].map((f) => f.replace('\0', '.')));
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

/** Info key listing a model's external data locations (directory scans adopt those files). */
export const EXTERNAL_DATA_INFO = 'external data files';
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
      ctx.report({ rule: 'onnx/malformed', severity: 'suspicious', message: `${where} has ${ref.locations.length} location entries; loaders disagree on which wins`, location: loc });
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

