/**
 * Repository code that loaders other than transformers' `auto_map` import
 * from a model folder, read from the files that name it (as the loaders
 * read them, never by running them):
 *
 * - diffusers (`DiffusionPipeline.from_pretrained`, pipelines/
 *   pipeline_loading_utils.py and utils/dynamic_modules_utils.py):
 *   `_resolve_custom_pipeline_and_cls` imports `<_class_name[0]>.py` when
 *   model_index.json's `_class_name` is a list `[module, Class]` and the
 *   file is in the folder (without it, `DiffusionPipeline.download` takes
 *   the name as a community pipeline or a repository);
 *   `get_class_obj_and_candidates` imports `<component>/<library>.py` for a
 *   component `"unet": ["<library>", "Class"]` whenever that file exists
 *   (a file named `diffusers.py` there wins over the library; only a
 *   diffusers pipeline module name comes first); `_get_custom_pipeline_class`
 *   imports `pipeline.py` (CUSTOM_PIPELINE_FILE_NAME) for
 *   `custom_pipeline=<this folder or repository>`. `get_cached_module_file`
 *   requires `trust_remote_code=True` for each and copies the relative
 *   imports (`get_relative_imports`) beside the module.
 * - sentence-transformers (`SentenceTransformer._load_sbert_model` →
 *   `_load_module_class_from_ref`): a modules.json `type` outside
 *   `sentence_transformers.` goes to transformers'
 *   `get_class_from_dynamic_module(type, path)` when trust_remote_code is
 *   set OR the model is a local path: `module.Class` (one dot) is
 *   `module.py` at the folder root, `org/repo--module.Class` another
 *   repository; if that fails, `import_from_string` imports an installed
 *   module by that name. It then calls `Class.load(...)` (or the class
 *   itself, `__init__`).
 * - transformers `pipeline(model=folder, trust_remote_code=True)`:
 *   config.json `custom_pipelines[task].impl` (`module.Class`) through
 *   `get_class_from_dynamic_module`; the class is then instantiated
 *   (`Pipeline.__init__` calls `_sanitize_parameters`).
 * - transformers `from_pretrained(..., trust_remote_code=True)` of a model
 *   that can generate: `GenerationMixin.adjust_generation_fn` →
 *   `load_custom_generate` imports `custom_generate/generate.py`
 *   (its top level at load; its `generate` replaces the model's, run later).
 */
import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { LOAD_METHODS, TORCH_MODULE_LOAD_METHODS } from '../../python/load-phase.js';

/** Modules named per config file that are considered (real folders name a handful; CWE-400). */
const MAX_REFS = 64;
/** Entries of a config looked at (pipelines have a dozen components, modules.json a handful of modules; CWE-400). */
const MAX_ENTRIES = 1024;
/** Longest module reference read (CWE-400). */
const MAX_REF_CHARS = 512;

export interface CodeRef {
  /** How the config names it (`unet: ["my_unet", "MyUNet2DModel"]`). */
  named: string;
  /** The module's path inside the model folder, when the folder holds it: the loader imports it. */
  file?: string;
  /** Why it is not read (not in the folder, another repository, outside the folder): the loader fetches or fails. */
  elsewhere?: string;
  /** Methods the loader calls on this module's classes at load, when not the config's `roots`. */
  roots?: ReadonlySet<string>;
}

export interface LoaderCode {
  /** The file (relative to the model folder) that names the code. */
  config: string;
  /** The loader call that imports it, and when. */
  how: string;
  refs: CodeRef[];
  /** Methods that loader calls at load, besides dunders and properties (`python/load-phase.ts`). */
  roots: ReadonlySet<string>;
}

/** A folder-level JSON file, read only up to `max` bytes (it was scanned on its own already). */
export function readJson(path: string, max: number): unknown {
  if (statSync(path).size > max) throw new Error(`larger than ${max} bytes`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

// diffusers, the pipeline class (DiffusionPipeline.from_pretrained): _get_signature_keys/_get_signature_types and
// extract_init_dict read its signature, pipeline_class(**init_kwargs) runs __init__ (register_modules,
// register_to_config), then register_to_config again. Not `to` or the torch module methods: the user moves a pipeline.
const DIFFUSERS_PIPELINE_ROOTS: ReadonlySet<string> = new Set([
  'from_pretrained',
  'register_modules',
  'register_to_config',
  'extract_init_dict',
  '_get_signature_keys',
  '_get_signature_types',
  'load_config',
  'from_config',
]);
// diffusers, a component (load_sub_model → its from_pretrained → from_config → __init__, weight loading, to(dtype)):
// the torch module methods transformers' set lists, and diffusers' config methods.
const DIFFUSERS_COMPONENT_ROOTS: ReadonlySet<string> = new Set([...LOAD_METHODS, ...DIFFUSERS_PIPELINE_ROOTS, '_convert_deprecated_attention_blocks']);
// sentence-transformers: _load_sbert_model calls Module.load (classmethod: load_config, cls(**config),
// load_torch_weights → load_state_dict) or the class itself; then SentenceTransformer.__init__ moves the whole model
// (to, parameters) and the model card walks children(). Not transformers' config methods: a module's
// get_config_dict runs on save.
const SBERT_ROOTS: ReadonlySet<string> = new Set([
  'load',
  'load_config',
  'load_torch_weights',
  'load_file_path',
  'load_dir_path',
  '_load_init_kwargs',
  ...TORCH_MODULE_LOAD_METHODS,
  'buffers',
]);
// transformers pipelines: pipeline() instantiates the class; Pipeline.__init__ calls _sanitize_parameters, task pipelines
// check_model_type (the model it is handed is loaded by the Auto classes, judged through its own auto_map).
const PIPELINE_ROOTS: ReadonlySet<string> = new Set(['_sanitize_parameters', 'check_model_type']);
// custom_generate/generate.py: only its top level runs at load (get_class_in_module); generate() runs on a call.
const NO_ROOTS: ReadonlySet<string> = new Set();

type Doc = Record<string, unknown>;
type Has = (path: string) => boolean;

/** `p` as a path inside the folder, or undefined when it is absolute or climbs out with `..`. */
function inFolder(p: string): string | undefined {
  if (p.startsWith('/') || p.includes('\\') || p.includes('\0') || /^[A-Za-z]:/.test(p)) return undefined;
  const n = posix.normalize(p);
  return n === '..' || n.startsWith('../') ? undefined : n;
}

function isObject(x: unknown): x is Doc {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A module file the loader opens by path (diffusers: the name plus `.py`, dots kept). */
function byPath(named: string, path: string, has: Has, missing: string | undefined, roots?: ReadonlySet<string>): CodeRef | undefined {
  const p = inFolder(path);
  if (p === undefined) return { named, elsewhere: `${path} is outside the model folder` };
  if (has(p)) return roots === undefined ? { named, file: p } : { named, file: p, roots };
  return missing === undefined ? undefined : { named, elsewhere: `${p} is not in the folder: ${missing}` };
}

/**
 * A class reference `get_class_from_dynamic_module` resolves: `module.Class`
 * (exactly one dot: it splits on '.') is `module.py` at the folder root;
 * `org/repo--module.Class` comes from another repository.
 */
function dynamicRef(named: string, ref: string, has: Has, fallback: string): CodeRef {
  const dash = ref.indexOf('--');
  if (dash >= 0) return { named, elsewhere: `code from repository ${ref.slice(0, dash)}` };
  const parts = ref.split('.');
  if (parts.length !== 2 || parts[0] === '') return { named, elsewhere: fallback };
  return byPath(named, `${parts[0] ?? ''}.py`, has, fallback) ?? { named, elsewhere: fallback };
}

/** model_index.json of a diffusers pipeline folder. */
export function diffusersCode(doc: unknown, has: Has): LoaderCode | undefined {
  if (!isObject(doc)) return undefined;
  const refs: CodeRef[] = [];
  const cls = doc._class_name;
  if (Array.isArray(cls) && typeof cls[0] === 'string' && cls[0].length < MAX_REF_CHARS) {
    const r = byPath(
      `_class_name ${JSON.stringify(cls.slice(0, 2))}`,
      `${cls[0]}.py`,
      has,
      'DiffusionPipeline.download takes it as a community pipeline or a repository',
      DIFFUSERS_PIPELINE_ROOTS,
    );
    if (r !== undefined) refs.push(r);
  }
  // Components: every key the pipeline's __init__ takes ("_" keys are config, not components).
  for (const [name, v] of Object.entries(doc).slice(0, MAX_ENTRIES)) {
    if (refs.length >= MAX_REFS) break;
    if (name.startsWith('_') || !Array.isArray(v) || typeof v[0] !== 'string' || v[0].length >= MAX_REF_CHARS || name.length >= MAX_REF_CHARS) continue;
    const r = byPath(`${name}: ${JSON.stringify(v.slice(0, 2))}`, `${name}/${v[0]}.py`, has, undefined, DIFFUSERS_COMPONENT_ROOTS);
    if (r !== undefined) refs.push(r);
  }
  if (has('pipeline.py')) refs.push({ named: 'pipeline.py (custom_pipeline)', file: 'pipeline.py', roots: DIFFUSERS_PIPELINE_ROOTS });
  if (refs.length === 0) return undefined;
  return {
    config: 'model_index.json',
    how: 'DiffusionPipeline.from_pretrained(..., trust_remote_code=True) (or custom_pipeline=) imports',
    refs,
    roots: DIFFUSERS_COMPONENT_ROOTS,
  };
}

/** modules.json of a sentence-transformers folder. */
export function sentenceTransformersCode(doc: unknown, has: Has): LoaderCode | undefined {
  if (!Array.isArray(doc)) return undefined;
  const refs: CodeRef[] = [];
  for (const m of doc.slice(0, MAX_ENTRIES)) {
    if (refs.length >= MAX_REFS) break;
    const type = isObject(m) ? m.type : undefined;
    if (typeof type !== 'string' || type.startsWith('sentence_transformers.')) continue;
    const named = `type ${JSON.stringify(type.slice(0, MAX_REF_CHARS))}`;
    refs.push(
      type.length >= MAX_REF_CHARS
        ? { named, elsewhere: 'too long to read' }
        : dynamicRef(named, type, has, 'import_from_string imports an installed module by that name'),
    );
  }
  if (refs.length === 0) return undefined;
  return {
    config: 'modules.json',
    how: 'SentenceTransformer(path) imports (from a local folder even without trust_remote_code)',
    refs,
    roots: SBERT_ROOTS,
  };
}

/** config.json `custom_pipelines`, and `custom_generate/generate.py`, of a transformers model folder. */
export function transformersCode(doc: unknown, has: Has): LoaderCode[] {
  const out: LoaderCode[] = [];
  const tasks = isObject(doc) ? doc.custom_pipelines : undefined;
  if (isObject(tasks)) {
    const refs: CodeRef[] = [];
    for (const [task, v] of Object.entries(tasks).slice(0, MAX_ENTRIES)) {
      if (refs.length >= MAX_REFS) break;
      const impl = isObject(v) ? v.impl : undefined;
      if (typeof impl !== 'string') continue;
      const named = `custom_pipelines.${task.slice(0, 64)}.impl ${JSON.stringify(impl.slice(0, MAX_REF_CHARS))}`;
      refs.push(impl.length >= MAX_REF_CHARS ? { named, elsewhere: 'too long to read' } : dynamicRef(named, impl, has, 'not a module the loader can read'));
    }
    if (refs.length > 0) out.push({ config: 'config.json', how: 'pipeline(model=..., trust_remote_code=True) imports', refs, roots: PIPELINE_ROOTS });
  }
  if (has('custom_generate/generate.py'))
    out.push({
      config: 'config.json',
      how: 'from_pretrained(..., trust_remote_code=True) imports (load_custom_generate; its generate() runs later)',
      refs: [{ named: 'custom_generate/generate.py', file: 'custom_generate/generate.py' }],
      roots: NO_ROOTS,
    });
  return out;
}
