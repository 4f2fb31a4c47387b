/**
 * What a checkpoint's name and sidecar say about it: training step and
 * metrics, for retention.
 *
 * Steps come from names such as `checkpoint-1200`, `global_step1200`,
 * `epoch=3-step=1200.ckpt` or `step_1200.pt`. Metrics come from
 * `key=value` pairs in the name (Lightning's `val_loss=0.12`), from a
 * sidecar JSON `<name>.json` or `<stem>.json` (flat `{"metric": number}`),
 * and from a Hugging Face `trainer_state.json` inside a checkpoint folder
 * (the `log_history` entry for that step, plus `best_metric`).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface CheckpointMeta {
  readonly step?: number;
  readonly epoch?: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** CWE-400: sidecars are small; a huge one is ignored rather than parsed. */
const MAX_SIDECAR = 16 * 1024 * 1024;

export function parseName(name: string): CheckpointMeta {
  const metrics: Record<string, number> = {};
  let step: number | undefined;
  let epoch: number | undefined;
  const stem = name.replace(/\.(tar\.)?age$/, '');
  for (const m of stem.matchAll(/([A-Za-z_][A-Za-z0-9_/.]*?)=(-?\d+(?:\.\d+)?(?:e-?\d+)?)/g)) {
    const key = m[1] as string;
    const value = Number(m[2]);
    if (key === 'step' || key === 'global_step') step = value;
    else if (key === 'epoch') epoch = value;
    else metrics[key] = value;
  }
  if (step === undefined) {
    const m = /(?:^|[^a-z])(?:checkpoint|global_step|step|steps)[-_]?(\d+)/i.exec(stem);
    if (m !== null) step = Number(m[1]);
  }
  if (epoch === undefined) {
    const m = /(?:^|[^a-z])epoch[-_]?(\d+)/i.exec(stem);
    if (m !== null) epoch = Number(m[1]);
  }
  return { ...(step === undefined ? {} : { step }), ...(epoch === undefined ? {} : { epoch }), metrics };
}

async function readJson(path: string): Promise<unknown> {
  try {
    const st = await stat(path);
    if (!st.isFile() || st.size > MAX_SIDECAR) return undefined;
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function numbers(obj: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof obj !== 'object' || obj === null) return out;
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** Metrics from a Hugging Face trainer_state.json for `step`. */
function fromTrainerState(state: unknown, step: number | undefined): Record<string, number> {
  if (typeof state !== 'object' || state === null) return {};
  const s = state as { log_history?: unknown; best_metric?: unknown; global_step?: unknown };
  const out: Record<string, number> = {};
  const at = step ?? (typeof s.global_step === 'number' ? s.global_step : undefined);
  if (Array.isArray(s.log_history)) {
    for (const entry of s.log_history) {
      const e = numbers(entry);
      if (at === undefined || e['step'] === undefined || e['step'] <= at) Object.assign(out, e);
    }
  }
  delete out['step'];
  delete out['epoch'];
  if (typeof s.best_metric === 'number') out['best_metric'] = s.best_metric;
  return out;
}

/** Name-derived metadata enriched with sidecar metrics (sidecar values win). */
export async function readCheckpointMeta(dir: string, name: string, kind: 'file' | 'dir'): Promise<CheckpointMeta> {
  const base = parseName(name);
  const metrics: Record<string, number> = { ...base.metrics };
  const stem = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  for (const side of [`${name}.json`, `${stem}.json`]) Object.assign(metrics, numbers(await readJson(join(dir, side))));
  if (kind === 'dir') Object.assign(metrics, fromTrainerState(await readJson(join(dir, name, 'trainer_state.json')), base.step));
  return { ...base, metrics };
}
