/**
 * Prediction APIs leak the model (Tramèr et al., "Stealing Machine Learning
 * Models via Prediction APIs", USENIX Security 2016): confidence values let
 * an attacker solve for the weights. For classifier routes the gateway
 * returns less: raw outputs named in `dropOutputs` (logits) removed,
 * probabilities rounded to N decimals, only the top k kept, or only the
 * label. Response shapes understood:
 * - KServe v2 output tensors (`outputs[]`, last dimension = classes);
 * - a label map `{"tabby": 0.41, "tiger_cat": 0.33}` (TorchServe's stock
 *   image classifier), or a list of them (batches);
 * - a list of `{"label", "score"}` (Hugging Face pipelines);
 * - an object whose `probabilities` / `scores` / `predictions` field is a
 *   numeric vector or matrix.
 * Returns the top class of the first row, for the extraction monitor.
 */
import type { ClassifierConfig } from '../config/types.js';
import { isObject } from '../kinds/adapter.js';

function roundTo(x: number, digits: number | undefined): number {
  if (digits === undefined) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] ?? -Infinity) > (row[best] ?? -Infinity)) best = i;
  return best;
}

/** One probability row: zero all but the top k, round. */
function shapeRow(row: number[], c: ClassifierConfig): number[] {
  let out = row;
  if (c.topK !== undefined && c.topK < row.length) {
    const keep = new Set([...row.keys()].sort((a, b) => (row[b] ?? 0) - (row[a] ?? 0)).slice(0, c.topK));
    out = row.map((v, i) => (keep.has(i) ? v : 0));
  }
  return out.map((v) => roundTo(v, c.round));
}

function allNumbers(xs: unknown[]): xs is number[] {
  return xs.every((x) => typeof x === 'number');
}

/** KServe v2: FP outputs are [..., classes] tensors in row-major order. */
function kserveOutputs(json: Record<string, unknown>, c: ClassifierConfig): string | undefined {
  let top: string | undefined;
  const outputs = (json['outputs'] as unknown[]).filter((o) => !(isObject(o) && typeof o['name'] === 'string' && c.dropOutputs.includes(o['name'])));
  json['outputs'] = outputs;
  for (const o of outputs) {
    if (!isObject(o) || !Array.isArray(o['data']) || !Array.isArray(o['shape']) || typeof o['datatype'] !== 'string' || !o['datatype'].startsWith('FP'))
      continue;
    const data = (o['data'] as unknown[]).flat(16);
    const shape = o['shape'] as unknown[];
    const classes = shape[shape.length - 1];
    if (!allNumbers(data) || typeof classes !== 'number' || classes < 1 || data.length % classes !== 0) continue;
    const rows: number[][] = [];
    for (let i = 0; i < data.length; i += classes) rows.push(data.slice(i, i + classes));
    top ??= rows[0] === undefined ? undefined : String(argmax(rows[0]));
    if (c.labelOnly) {
      o['data'] = rows.map(argmax);
      o['datatype'] = 'INT64';
      o['shape'] = [...shape.slice(0, -1), 1];
    } else {
      o['data'] = rows.flatMap((r) => shapeRow(r, c));
    }
  }
  return top;
}

function labelMap(map: Record<string, unknown>, c: ClassifierConfig): { value: Record<string, unknown>; top: string | undefined } {
  const entries = Object.entries(map as Record<string, number>).sort((a, b) => b[1] - a[1]);
  const top = entries[0]?.[0];
  if (c.labelOnly) return { value: { label: top ?? null }, top };
  const kept = c.topK === undefined ? entries : entries.slice(0, c.topK);
  return { value: Object.fromEntries(kept.map(([k, v]) => [k, roundTo(v, c.round)])), top };
}

function scoredList(list: Record<string, unknown>[], c: ClassifierConfig): { value: unknown[]; top: string | undefined } {
  const sorted = [...list].sort((a, b) => Number(b['score']) - Number(a['score']));
  const top = sorted[0] === undefined ? undefined : String(sorted[0]['label']);
  if (c.labelOnly) return { value: sorted.slice(0, 1).map((e) => ({ label: e['label'] })), top };
  const kept = c.topK === undefined ? sorted : sorted.slice(0, c.topK);
  return { value: kept.map((e) => ({ ...e, score: roundTo(Number(e['score']), c.round) })), top };
}

const isLabelMap = (v: unknown): v is Record<string, number> =>
  isObject(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => typeof x === 'number');
const isScored = (v: unknown): v is Record<string, unknown>[] =>
  Array.isArray(v) && v.length > 0 && v.every((e) => isObject(e) && 'label' in e && typeof e['score'] === 'number');

/** Rewrites `json` in place (or returns a replacement); `top` is the predicted class of the first row. */
export function shapeClassifierResponse(json: unknown, c: ClassifierConfig): { json: unknown; top: string | undefined } {
  if (isObject(json) && Array.isArray(json['outputs'])) return { json, top: kserveOutputs(json, c) };
  if (isLabelMap(json)) {
    const r = labelMap(json, c);
    return { json: r.value, top: r.top };
  }
  if (isScored(json)) {
    const r = scoredList(json, c);
    return { json: r.value, top: r.top };
  }
  if (Array.isArray(json)) {
    let top: string | undefined;
    const out = json.map((item) => {
      const r = shapeClassifierResponse(item, c);
      top ??= r.top;
      return r.json;
    });
    return { json: out, top };
  }
  if (isObject(json)) {
    for (const k of c.dropOutputs) Reflect.deleteProperty(json, k);
    let top: string | undefined;
    for (const field of ['probabilities', 'scores', 'predictions']) {
      const v = json[field];
      if (!Array.isArray(v)) continue;
      const rows = allNumbers(v) ? [v] : v.every((r) => Array.isArray(r) && allNumbers(r)) ? v : undefined;
      if (rows === undefined) continue;
      top ??= rows[0] === undefined ? undefined : String(argmax(rows[0]));
      const shaped = rows.map((r) => (c.labelOnly ? argmax(r) : shapeRow(r, c)));
      json[field] = allNumbers(v) ? shaped[0] : shaped;
    }
    return { json, top };
  }
  return { json, top: undefined };
}
