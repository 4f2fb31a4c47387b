/**
 * The loaders a detonation can use, and which one a detected format gets.
 * The Python side of each is in `bootstrap/loaders-py.ts`; this table is
 * what the host needs to know about them.
 */
import { SandboxError } from './errors.js';

export const LOADER_IDS = ['torch', 'torch-weights-only', 'pickle', 'numpy', 'joblib', 'onnx', 'keras', 'jinja-template'] as const;
export type LoaderId = (typeof LOADER_IDS)[number];

export interface LoaderSpec {
  readonly id: LoaderId;
  /** The call it makes, for reports. */
  readonly call: string;
  /** Python module it needs inside the sandbox (its Debian package in parentheses). */
  readonly module: string;
  /**
   * Whether the model's folder is bound read-only at /in: ONNX resolves
   * external data and Keras reads by path. Others get the file alone (an fd).
   */
  readonly needsFolder: boolean;
}

export const LOADERS: Readonly<Record<LoaderId, LoaderSpec>> = {
  torch: { id: 'torch', call: "torch.load(f, map_location='cpu')", module: 'torch (python3-torch)', needsFolder: false },
  'torch-weights-only': {
    id: 'torch-weights-only',
    call: "torch.load(f, map_location='cpu', weights_only=True)",
    module: 'torch (python3-torch)',
    needsFolder: false,
  },
  pickle: { id: 'pickle', call: 'pickle.load(f) (gzip, bz2 and xz unwrapped first)', module: 'pickle (python3)', needsFolder: false },
  numpy: { id: 'numpy', call: 'numpy.load(f, allow_pickle=True), every npz member read', module: 'numpy (python3-numpy)', needsFolder: false },
  joblib: { id: 'joblib', call: 'joblib.load(f)', module: 'joblib (python3-joblib, python3-sklearn)', needsFolder: false },
  onnx: { id: 'onnx', call: 'onnx.load(f) (external data from the model folder)', module: 'onnx (python3-onnx)', needsFolder: true },
  keras: { id: 'keras', call: 'keras.models.load_model(path, compile=False, safe_mode=False)', module: 'keras (not in Debian)', needsFolder: true },
  'jinja-template': {
    id: 'jinja-template',
    call: 'jinja2.Environment().from_string(template).render(messages=...)',
    module: 'jinja2 (python3-jinja2)',
    needsFolder: false,
  },
};

export function parseLoader(name: string): LoaderId {
  const found = LOADER_IDS.find((l) => l === name);
  if (found === undefined) throw new SandboxError('E_USAGE', `unknown loader '${name}' (known: ${LOADER_IDS.join(', ')})`);
  return found;
}

/** Detected format id (the scanner's `FileReport.format`, possibly `a+b`) to loader. */
const BY_FORMAT: Readonly<Record<string, LoaderId>> = {
  'torch-zip': 'torch',
  'torch-legacy': 'torch',
  'torch-tar': 'torch',
  torchscript: 'torch',
  pickle: 'pickle',
  gzip: 'pickle',
  bzip2: 'pickle',
  xz: 'pickle',
  // joblib writes zlib, lzma and lz4 streams of its pickles.
  zlib: 'joblib',
  lzma: 'joblib',
  lz4: 'joblib',
  'numpy-npy': 'numpy',
  'numpy-npz': 'numpy',
  joblib: 'joblib',
  onnx: 'onnx',
  'keras-h5': 'keras',
  'keras-v3': 'keras',
  gguf: 'jinja-template',
};

/** The loader for a detected format, or undefined when no loader applies (safetensors, images...). */
export function loaderForFormat(format: string): LoaderId | undefined {
  for (const part of format.split('+')) {
    const l = BY_FORMAT[part];
    if (l !== undefined) return l;
  }
  return undefined;
}
