/** Finding rules for joblib's array handling inside pickle streams. */
import { defineRules, type RuleInfo } from '../../findings/rules.js';

const NUMPY_PICKLE = 'https://github.com/joblib/joblib/blob/main/joblib/numpy_pickle.py';

export const JOBLIB_RULES = {
  ambiguous: {
    id: 'joblib/ambiguous-array',
    title: 'joblib array whose size the stream does not fix',
    severity: 'suspicious',
    help: 'joblib.load reads the array bytes that follow a NumpyArrayWrapper straight from the file, then goes on decoding opcodes. Here how many bytes it reads depends on something a static reader cannot settle (a dtype or shape built by a call, a state key computed while loading, a joblib or numpy version difference, mmap_mode), so where the opcodes resume is ambiguous. joblib.dump never writes this; every plausible resynchronisation was analysed and the payloads found there are reported.',
    references: [NUMPY_PICKLE],
  },
  behindFrame: {
    id: 'joblib/array-behind-frame',
    title: 'joblib array read from behind an unfinished pickle frame',
    severity: 'suspicious',
    help: "joblib's unpickler (pickle._Unpickler) serves opcodes from a copy of the current protocol-4 frame while the array bytes are read from the file after the frame: opcodes placed in the frame after the wrapper run before the array's bytes. joblib.dump closes the frame before each array; a file that does not was built to hide opcodes from readers that skip the array in place.",
    references: [NUMPY_PICKLE, 'https://peps.python.org/pep-3154/#framing'],
  },
  methodOverride: {
    id: 'joblib/method-override',
    title: 'Array wrapper state replaces a method joblib calls',
    severity: 'malicious',
    help: "joblib calls the wrapper's read/read_array/read_mmap methods; an instance attribute of the same name set by the BUILD state shadows the method, so joblib.load calls whatever the state holds.",
    references: [NUMPY_PICKLE],
  },
  companionFile: {
    id: 'joblib/companion-file',
    title: 'Old joblib array wrapper loads another file',
    severity: 'suspicious',
    help: 'NDArrayWrapper (joblib < 0.10) makes joblib.load call numpy.load(<folder of the file>/<filename>, allow_pickle=True): another file is unpickled, and an absolute or ".." name reaches anywhere on disk. ZNDArrayWrapper opens and decompresses another file.',
    references: ['https://github.com/joblib/joblib/blob/main/joblib/numpy_pickle_compat.py'],
  },
  subclass: {
    id: 'joblib/array-subclass',
    title: 'joblib instantiates an array subclass named in the stream',
    severity: 'suspicious',
    help: "With numpy 1.x, when the wrapper's subclass is not ndarray or memmap, joblib calls numpy's _reconstruct(subclass, ...) and the instance's __array_prepare__: the class named in the stream is instantiated and its code runs, though the stream only stores it as a value.",
    references: [NUMPY_PICKLE],
  },
  pointerDtype: {
    id: 'joblib/object-dtype-without-refcount',
    title: 'Object dtype whose flags say it holds no references',
    severity: 'suspicious',
    help: 'numpy takes hasobject from the pickled flags: an object (O) dtype pickled without NPY_ITEM_REFCOUNT makes joblib read the array as raw bytes and numpy treat them as object pointers.',
    references: [NUMPY_PICKLE],
  },
} as const satisfies Record<string, RuleInfo>;

defineRules(Object.values(JOBLIB_RULES));
