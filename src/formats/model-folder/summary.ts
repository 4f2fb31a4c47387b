/**
 * Model folders as a unit. A Hugging Face style directory (config.json,
 * weight shards, index files, tokenizer files) is one model: it gets one
 * summary verdict, a per-file table, and folder-level checks that no single
 * file can make (an index naming shards that are missing, weights in two
 * formats).
 */
import { dirname, join } from 'node:path';
import type { Finding } from '../../findings/finding.js';
import type { FileReport, ModelSummary } from '../../findings/report.js';
import type { FolderPass } from '../folder-pass.js';
import { defineRules } from '../../findings/rules.js';
import { verdictOf, worst } from '../../findings/verdict.js';
import { diffusersCode, type LoaderCode, readJson, sentenceTransformersCode, transformersCode } from './loaders.js';
import { analyseRemoteModules, type RemoteModule } from './remote-code.js';

defineRules([
  {
    id: 'model/missing-shard',
    title: 'Index names a weight file that is not there',
    severity: 'suspicious',
    help: 'A weight index (*.index.json) maps tensors to a shard missing from the folder: loading fails, or picks the file up from somewhere else.',
  },
  {
    id: 'model/bad-index',
    title: 'Weight index is not valid',
    severity: 'suspicious',
    help: 'A *.index.json file is not the JSON object with a weight_map that loaders expect.',
  },
  {
    id: 'model/index-escapes-folder',
    title: 'Weight index points outside the folder',
    severity: 'malicious',
    help: 'An index maps tensors to a path that is absolute or climbs out of the model folder with "..": loading reads files the model does not own.',
  },
  {
    id: 'model/remote-code',
    title: 'Model needs code from a repository (trust_remote_code)',
    severity: 'suspicious',
    help: 'The config\'s auto_map points transformers\' Auto classes at Python modules shipped in the repository (or in another one: "org/repo--module.Class"). from_pretrained(..., trust_remote_code=True) imports and runs that code. Other loaders import repository code too: diffusers (model_index.json _class_name ["module", "Class"] or a component ["module", "Class"] whose <component>/module.py exists, pipeline.py for custom_pipeline), sentence-transformers (a modules.json type outside sentence_transformers., imported from a local folder even without trust_remote_code), transformers\' pipeline() (config.json custom_pipelines) and custom_generate/generate.py. modelguard reads the modules inside the folder and the sibling modules they import (never runs them) and says what they import and call; code that runs while from_pretrained loads (module top levels, __init__, from_pretrained, _init_weights, properties and what they call) reaching a sink (processes, eval, import by name, deserialisers of carried bytes, file writes, network) makes this finding malicious. Sinks only a later call reaches (save_vocabulary writing files, an image fetcher) are listed as not run at load. Code that reaches none still runs with your privileges: read it, or pin a reviewed revision.',
  },
  {
    id: 'model/pickle-and-safetensors',
    title: 'Weights present as pickle and as safetensors',
    severity: 'info',
    help: 'transformers prefers model.safetensors when both exist; the pickle files are then unused, but other loaders may read them. Consider deleting them.',
  },
]);

/** Files that mark a folder as one model. */
const MARKERS = ['config.json', 'model_index.json', 'modules.json'];
const INDEX = /\.index\.json$/;
/** Index files read (they are JSON maps of tensor names to shard files). */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

function parentOf(p: string): string {
  const d = dirname(p);
  return d === '' ? '.' : d;
}

/** Groups reports by model folder. `root` is the scanned directory on disk. */
export function summarizeModelFolders(root: string, files: readonly FileReport[]): ModelSummary[] {
  const names = new Set(files.map((f) => f.path));
  const dirs = new Set<string>();
  for (const f of files) {
    const base = f.path.split('/').pop() ?? '';
    if (MARKERS.includes(base) || INDEX.test(base)) dirs.add(parentOf(f.path));
  }
  const out: ModelSummary[] = [];
  for (const dir of [...dirs].sort()) {
    const prefix = dir === '.' ? '' : `${dir}/`;
    // Nested model folders (a pipeline's sub-models) belong to the nearest marker.
    const mine = files.filter((f) => f.path.startsWith(prefix) && nearest(f.path, dirs) === dir);
    const findings: Finding[] = [];
    const has = (n: string) => names.has(prefix + n);
    let kind: ModelSummary['kind'] = has('model_index.json') ? 'diffusers' : has('config.json') ? 'huggingface' : 'folder';
    for (const f of mine) {
      const base = f.path.slice(prefix.length);
      if (!INDEX.test(base) || base.includes('/')) continue;
      kind = kind === 'folder' ? 'sharded' : kind;
      checkIndex(root, prefix, base, names, findings);
    }
    for (const cfg of CONFIGS_WITH_AUTO_MAP) if (has(cfg)) checkAutoMap(root, prefix, cfg, names, findings);
    checkLoaderCode(root, prefix, names, findings);
    const weights = mine.map((f) => f.path.slice(prefix.length));
    if (weights.some((w) => /\.safetensors$/.test(w)) && weights.some((w) => /^pytorch_model.*\.bin$/.test(w))) {
      findings.push({
        rule: 'model/pickle-and-safetensors',
        severity: 'info',
        message: 'the folder has both pytorch_model*.bin and *.safetensors weights; transformers loads the safetensors',
        location: { file: dir },
      });
    }
    let verdict = verdictOf(findings);
    for (const f of mine) verdict = worst(verdict, f.verdict);
    out.push({
      path: dir,
      kind,
      verdict,
      files: mine.map((f) => ({ path: f.path, format: f.format, verdict: f.verdict, size: f.size })),
      findings,
    });
  }
  return out;
}

function nearest(path: string, dirs: Set<string>): string | undefined {
  let d = parentOf(path);
  for (;;) {
    if (dirs.has(d)) return d;
    if (d === '.') return undefined;
    d = parentOf(d);
  }
}

/** Configs whose `auto_map` transformers follows into repository code. */
const CONFIGS_WITH_AUTO_MAP = [
  'config.json',
  'tokenizer_config.json',
  'preprocessor_config.json',
  'processor_config.json',
  'feature_extractor_config.json',
  'image_processor_config.json',
  // AutoVideoProcessor (transformers), and diffusers' ModularPipelineBlocks.from_pretrained (same module.Class form)
  'video_preprocessor_config.json',
  'modular_config.json',
];
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * `auto_map` maps Auto classes to `module.Class` (or `org/repo--module.Class`,
 * code from another repository); values may be lists (a tokenizer's slow
 * and fast classes) with nulls.
 */
function checkAutoMap(root: string, prefix: string, cfg: string, names: Set<string>, findings: Finding[]): void {
  const file = prefix + cfg;
  let doc: unknown;
  try {
    doc = readJson(join(root, file), MAX_CONFIG_BYTES);
  } catch {
    return; // too large or not JSON: the file's own scan says what it is
  }
  const map = typeof doc === 'object' && doc !== null ? (doc as { auto_map?: unknown }).auto_map : undefined;
  if (typeof map !== 'object' || map === null) return;
  const refs = new Set<string>();
  for (const v of Object.values(map as Record<string, unknown>)) {
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string' && x.length < 512) refs.add(x);
  }
  if (refs.size === 0) return;
  const modules = [...refs].map((r) => {
    const [repo, target] = r.includes('--') ? [r.slice(0, r.indexOf('--')), r.slice(r.indexOf('--') + 2)] : [undefined, r];
    const module = target.includes('.') ? target.slice(0, target.lastIndexOf('.')) : target;
    const local = `${module.replace(/\./g, '/')}.py`;
    return repo !== undefined ? `${module} from repository ${repo}` : names.has(prefix + local) ? local : `${local} (not in the folder)`;
  });
  // The modules inside the folder are read: what they call, and whether any reaches a sink.
  const local = [...new Set(modules)].filter((m) => m.endsWith('.py') && names.has(prefix + m)).sort();
  const read = analyseRemoteModules(join(root, prefix), local, (p) => names.has(prefix + p), folderConfig(root, prefix, names));
  findings.push(
    codeFinding(file, `${cfg} maps Auto classes to repository code that trust_remote_code runs: ${[...new Set(modules)].sort().slice(0, 10).join(', ')}`, read),
  );
}

/** One `model/remote-code` finding for the modules a config names: malicious when code run at load reaches a sink. */
function codeFinding(file: string, what: string, read: readonly RemoteModule[]): Finding {
  const sinks = read.flatMap((r) =>
    r.findings.filter((f) => f.severity === 'malicious').map((f) => `${r.file} line ${f.line}${f.in === undefined ? '' : ` (${f.in}, run at load)`}: ${f.why}`),
  );
  return {
    rule: 'model/remote-code',
    severity: sinks.length > 0 ? 'malicious' : 'suspicious',
    message: `${what}${read.length > 0 ? ` — ${read.map((r) => r.summary).join(' — ')}` : ''}${sinks.length > 0 ? `; code run at load reaches sinks: ${sinks.slice(0, 8).join('; ')}` : ''}`,
    location: { file },
  };
}

/**
 * Code that diffusers, sentence-transformers and transformers' pipeline()
 * and custom_generate import from the folder (`loaders.ts` says which
 * names lead to which file), judged as auto_map modules are, with the
 * methods each loader calls at load.
 */
function checkLoaderCode(root: string, prefix: string, names: Set<string>, findings: Finding[]): void {
  const has = (p: string): boolean => names.has(prefix + p);
  const json = (f: string): unknown => {
    try {
      return readJson(join(root, prefix + f), MAX_CONFIG_BYTES);
    } catch {
      return undefined; // too large or not JSON: the file's own scan says what it is
    }
  };
  const found: LoaderCode[] = [];
  if (has('model_index.json')) found.push(...[diffusersCode(json('model_index.json'), has)].filter((c) => c !== undefined));
  if (has('modules.json')) found.push(...[sentenceTransformersCode(json('modules.json'), has)].filter((c) => c !== undefined));
  if (has('config.json')) found.push(...transformersCode(json('config.json'), has));
  for (const c of found) {
    // Modules are read once per set of load-time methods (a diffusers pipeline class and its components differ).
    const groups = new Map<ReadonlySet<string>, Set<string>>();
    for (const r of c.refs) {
      if (r.file === undefined) continue;
      const roots = r.roots ?? c.roots;
      groups.set(roots, (groups.get(roots) ?? new Set()).add(r.file));
    }
    const byFile = new Map<string, RemoteModule>();
    for (const [roots, files] of groups) {
      for (const m of analyseRemoteModules(join(root, prefix), [...files].sort(), has, {}, roots)) {
        // A sibling both read: the reading under which more of it runs at load.
        const seen = byFile.get(m.file);
        if (seen === undefined || m.findings.length > seen.findings.length) byFile.set(m.file, m);
      }
    }
    const read = [...byFile.values()];
    const named = c.refs.map((r) => `${r.named}${r.file !== undefined ? ` → ${r.file}` : ` (${r.elsewhere ?? 'not read'})`}`);
    findings.push(
      codeFinding(prefix + c.config, `${c.config}: ${c.how} repository code: ${named.slice(0, 10).join(', ')}${named.length > 10 ? ', …' : ''}`, read),
    );
  }
}

/** The folder's config.json as flat values, for branches its flags rule out at load (empty when absent or not an object). */
function folderConfig(root: string, prefix: string, names: Set<string>): Record<string, unknown> {
  if (!names.has(`${prefix}config.json`)) return {};
  try {
    const doc = readJson(join(root, `${prefix}config.json`), MAX_CONFIG_BYTES);
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function checkIndex(root: string, prefix: string, base: string, names: Set<string>, findings: Finding[]): void {
  const file = prefix + base;
  let doc: unknown;
  try {
    doc = readJson(join(root, file), MAX_INDEX_BYTES);
  } catch (e) {
    findings.push({ rule: 'model/bad-index', severity: 'suspicious', message: `${base}: ${(e as Error).message}`, location: { file } });
    return;
  }
  const map = typeof doc === 'object' && doc !== null ? (doc as { weight_map?: unknown }).weight_map : undefined;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    findings.push({ rule: 'model/bad-index', severity: 'suspicious', message: `${base} has no weight_map object`, location: { file } });
    return;
  }
  const shards = new Set<string>();
  for (const v of Object.values(map as Record<string, unknown>)) {
    if (typeof v !== 'string') {
      findings.push({ rule: 'model/bad-index', severity: 'suspicious', message: `${base}: a weight_map value is not a file name`, location: { file } });
      return;
    }
    shards.add(v);
  }
  for (const s of [...shards].sort()) {
    if (s.startsWith('/') || s.startsWith('\\') || /^[A-Za-z]:/.test(s) || s.split(/[\\/]/).includes('..')) {
      findings.push({
        rule: 'model/index-escapes-folder',
        severity: 'malicious',
        message: `${base} maps tensors to '${s}', outside the model folder`,
        location: { file },
      });
    } else if (!names.has(prefix + s)) {
      findings.push({
        rule: 'model/missing-shard',
        severity: 'suspicious',
        message: `${base} maps tensors to '${s}', which is not in the folder`,
        location: { file },
      });
    }
  }
}

/** Model folders are summarised only for a single directory root, where report paths are relative to it. */
export const modelFolderPass: FolderPass = {
  id: 'model-folders',
  run: (files, root) => ({ files: [...files], models: root === undefined ? [] : summarizeModelFolders(root, files) }),
};
