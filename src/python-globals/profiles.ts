/**
 * Built-in profiles and how a format picks one.
 *
 * Profiles are unions of the allow tables; the denylist applies to all of
 * them and cannot be overridden. `auto` picks by format: PyTorch files get
 * `torch`, joblib dumps `sklearn`, NumPy files `numpy`, raw pickles
 * `default` (everything this project vouches for).
 */
import { ModelguardError } from '../errors.js';
import { BOOSTING_ALLOW } from './allow/boosting.js';
import { DATA_ALLOW } from './allow/data.js';
import { NUMPY_ALLOW } from './allow/numpy.js';
import { QUANTIZATION_ALLOW } from './allow/quantization.js';
import { SCIPY_ALLOW } from './allow/scipy.js';
import { SKLEARN_ALLOW } from './allow/sklearn.js';
import { TORCH_ALLOW } from './allow/torch.js';
import { TORCHSCRIPT_ALLOW } from './allow/torchscript.js';
import type { Profile } from './types.js';

/** The built-in profile names (`auto`, by format, is the absence of one). */
export type ProfileId = 'data' | 'numpy' | 'torch' | 'torchscript' | 'sklearn' | 'default';

export const PROFILES: Readonly<Record<ProfileId, Profile>> = {
  data: { id: 'data', title: 'plain Python data (containers, scalars, standard value types)', allow: DATA_ALLOW },
  numpy: {
    id: 'numpy',
    title: 'NumPy arrays, dtypes, scalars and RNG states (and SciPy sparse matrices)',
    allow: [...DATA_ALLOW, ...NUMPY_ALLOW, ...SCIPY_ALLOW],
  },
  torch: {
    id: 'torch',
    title: 'PyTorch checkpoints: weights_only set, whole nn.Modules, optimizers, NumPy states',
    allow: [...DATA_ALLOW, ...NUMPY_ALLOW, ...SCIPY_ALLOW, ...TORCH_ALLOW, ...QUANTIZATION_ALLOW],
  },
  torchscript: {
    id: 'torchscript',
    title: 'TorchScript archives: the torch profile plus classes compiled from the archive',
    allow: [...DATA_ALLOW, ...NUMPY_ALLOW, ...SCIPY_ALLOW, ...TORCH_ALLOW, ...QUANTIZATION_ALLOW, ...TORCHSCRIPT_ALLOW],
  },
  sklearn: {
    id: 'sklearn',
    title: 'scikit-learn / joblib models: estimators, SciPy sparse matrices, NumPy arrays',
    allow: [...DATA_ALLOW, ...NUMPY_ALLOW, ...SCIPY_ALLOW, ...SKLEARN_ALLOW, ...BOOSTING_ALLOW],
  },
  default: {
    id: 'default',
    title: 'every built-in allowlist (raw pickles of unknown origin)',
    allow: [...DATA_ALLOW, ...NUMPY_ALLOW, ...SCIPY_ALLOW, ...TORCH_ALLOW, ...QUANTIZATION_ALLOW, ...SKLEARN_ALLOW, ...BOOSTING_ALLOW],
  },
};

export const PROFILE_IDS: readonly ProfileId[] = ['data', 'numpy', 'torch', 'torchscript', 'sklearn', 'default'];

export function isProfileId(id: string): id is ProfileId {
  return (PROFILE_IDS as readonly string[]).includes(id);
}

/** Checks a profile name at an API boundary: unknown names are a usage error (`E_USAGE`), not a scan failure. */
export function checkProfileId(id: string): ProfileId {
  if (!isProfileId(id)) throw new ModelguardError('E_USAGE', `unknown profile '${id}' (known: auto, ${PROFILE_IDS.join(', ')})`);
  return id;
}

/** Profile a format uses when the user did not choose one. */
export function profileForFormat(format: string): ProfileId {
  if (format === 'torchscript') return 'torchscript';
  if (format.startsWith('torch')) return 'torch';
  if (format === 'joblib') return 'sklearn';
  if (format.startsWith('numpy')) return 'numpy';
  return 'default';
}

export function getProfile(id: string): Profile {
  return PROFILES[checkProfileId(id)];
}
