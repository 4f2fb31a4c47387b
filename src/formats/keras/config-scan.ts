/**
 * From config text to findings: decode the bytes as Python's `json.loads`
 * would, parse with the strict parser in Python mode (bounded depth and
 * size, duplicate keys reported and both values kept), walk the tree, and
 * report. Shared by `.keras` archives, legacy HDF5 files, model JSON files
 * and SavedModel Keras metadata.
 */
import { BufferSource } from '../../bytes/source.js';
import { isJsonObject, parseStrictJson, type Json } from '../../bytes/strict-json.js';
import { ModelguardError } from '../../errors.js';
import type { ScanContext } from '../context.js';
import type { Severity } from '../../findings/finding.js';
import { walkConfig, type WalkResult } from './config-walker.js';
import { decodeJsonBytes } from './json-text.js';
import { KERAS_RULES, type KerasRuleKey } from './rules.js';

/** Bytes of one config parsed (CWE-400: real configs are well under a megabyte; the largest known are a few). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/** The config size limit in force: ours, or the caller's lower `maxHeaderBytes`. */
export function configLimit(ctx: ScanContext): number {
  return Math.min(MAX_CONFIG_BYTES, ctx.limits.maxHeaderBytes);
}
/** Nesting accepted; Python's json gives up near 1000, real configs stay under 40 (CWE-674). */
export const MAX_CONFIG_DEPTH = 512;
/** JSON values in one config (CWE-400). */
export const MAX_CONFIG_VALUES = 4_000_000;
/** Findings reported per rule and config; the rest are counted in one more finding. */
const MAX_FINDINGS_PER_RULE = 25;

export interface ConfigScanOptions {
  /** What the config is, for messages: `config.json`, `model_config attribute`... */
  label: string;
  /** Whether the root must be a serialized Keras object (`class_name` + `config`). */
  expectObject: boolean;
}

/** Parses config text; duplicate keys are collected, not fatal. */
export function parseConfig(text: string, label: string, limit = MAX_CONFIG_BYTES): { root: Json; shadowed: { key: string; value: Json }[] } {
  if (text.length > limit) {
    throw new ModelguardError('E_LIMIT', `${label}: ${text.length} characters (limit ${limit})`);
  }
  const shadowed: { key: string; value: Json }[] = [];
  const root = parseStrictJson(text, {
    python: true,
    maxDepth: MAX_CONFIG_DEPTH,
    maxValues: MAX_CONFIG_VALUES,
    what: label,
    onDuplicate: (key, value) => shadowed.push({ key, value }),
  });
  return { root, shadowed };
}

/** Scans config bytes (decoded like `json.loads(bytes)`). Returns the walk, or undefined when unparsable. */
export async function scanConfigBytes(bytes: Uint8Array, ctx: ScanContext, o: ConfigScanOptions): Promise<WalkResult | undefined> {
  const limit = configLimit(ctx);
  if (bytes.length > limit) {
    throw new ModelguardError('E_LIMIT', `${o.label}: ${bytes.length} bytes (limit ${limit})`);
  }
  let text: string;
  try {
    text = decodeJsonBytes(bytes, o.label);
  } catch (e) {
    if (e instanceof ModelguardError && e.code === 'E_MALFORMED') {
      report(ctx, 'badConfig', `${e.message}; Keras cannot load it`);
      return undefined;
    }
    throw e;
  }
  return scanConfigText(text, ctx, o);
}

/** Scans config text. Parse errors are reported as `keras/bad-config` (limits as `engine/limit`). */
export async function scanConfigText(text: string, ctx: ScanContext, o: ConfigScanOptions): Promise<WalkResult | undefined> {
  let parsed: ReturnType<typeof parseConfig>;
  try {
    parsed = parseConfig(text, o.label, configLimit(ctx));
  } catch (e) {
    if (e instanceof ModelguardError && e.code === 'E_MALFORMED') {
      report(ctx, 'badConfig', `${o.label} is not valid JSON (${e.message}); Keras cannot load it`);
      return undefined;
    }
    throw e;
  }
  const { root, shadowed } = parsed;
  if (o.expectObject && !(isJsonObject(root) && typeof root['class_name'] === 'string')) {
    report(ctx, 'badConfig', `${o.label} is not a serialized Keras object (no class_name); Keras cannot load it`);
  }
  if (shadowed.length > 0) {
    const keys = [...new Set(shadowed.map((s) => s.key))].slice(0, 8).join(', ');
    report(ctx, 'duplicateKey', `${o.label} repeats keys (${keys}); Python keeps the last value, other parsers the first`);
  }
  const result = walkConfig(root, shadowed, ctx.policyFor('keras'));
  const counts = new Map<KerasRuleKey, number>();
  for (const ob of result.observations) {
    const n = (counts.get(ob.rule) ?? 0) + 1;
    counts.set(ob.rule, n);
    if (n > MAX_FINDINGS_PER_RULE) continue;
    const text = `${o.label}${ob.path === '' ? '' : ` at ${ob.path}`}: ${ob.message}`;
    if (ob.shadowed === true) {
      // Python's json drops the value, so Keras never sees it: an artefact, not a payload that runs.
      report(ctx, ob.rule, `${text} (in a value a duplicate key replaces; Python's json drops it)`, ob.global, 'suspicious');
    } else {
      report(ctx, ob.rule, text, ob.global);
    }
  }
  for (const [rule, n] of counts) {
    if (n > MAX_FINDINGS_PER_RULE) report(ctx, rule, `${o.label}: ${n - MAX_FINDINGS_PER_RULE} more ${KERAS_RULES[rule].id} findings not listed`);
  }
  // Inside a member named like the label (config.json), the path alone names the payload.
  const inMember = ctx.location.member?.[ctx.location.member.length - 1] === o.label;
  for (const e of result.embedded) await ctx.nested(new BufferSource(e.bytes), inMember ? `#${e.path}` : `${o.label}#${e.path}`);
  if (o.expectObject)
    ctx.info(
      'keras.objects',
      [...result.classes.values()].reduce((a, b) => a + b, 0),
    );
  return result;
}

function report(ctx: ScanContext, rule: KerasRuleKey, message: string, global?: string, severity?: Severity): void {
  const r = KERAS_RULES[rule];
  const sev = severity !== undefined && r.severity === 'malicious' ? severity : r.severity;
  ctx.report({ rule: r.id, severity: sev, message, ...(global === undefined ? {} : { global }) });
}
