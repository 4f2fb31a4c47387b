/**
 * SciPy sparse matrices and arrays, which scikit-learn models, graph
 * checkpoints and NumPy object arrays hold. Each is rebuilt through the
 * object protocol (`__new__`, then pickle's default BUILD updating
 * `__dict__` with index and value arrays; `dok` is a dict subclass whose
 * items arrive by SETITEMS and whose `__setitem__` only validates an index).
 * SciPy 1.8 moved the classes into private modules (`_csr`...); 1.10 keeps
 * the `*_array` classes in `_arrays`, later releases next to their matrix.
 */
import type { AllowEntry } from '../types.js';

const FORMATS = ['csr', 'csc', 'coo', 'bsr', 'dia', 'lil', 'dok'];

const SPARSE = 'a sparse matrix or array: __new__, then its __dict__ set to index and value arrays (nothing of its own runs)';

export const SCIPY_ALLOW: readonly AllowEntry[] = [
  ...FORMATS.flatMap((f): AllowEntry[] => [
    { name: `scipy.sparse._${f}.${f}_matrix`, uses: ['new', 'build', 'arg'], why: SPARSE },
    { name: `scipy.sparse._${f}.${f}_array`, uses: ['new', 'build', 'arg'], why: SPARSE },
    { name: `scipy.sparse._arrays.${f}_array`, uses: ['new', 'build', 'arg'], why: `${SPARSE} (SciPy 1.8-1.10 module path)` },
    { name: `scipy.sparse.${f}.${f}_matrix`, uses: ['new', 'build', 'arg'], why: `${SPARSE} (SciPy < 1.8 module path)` },
  ]),
];
