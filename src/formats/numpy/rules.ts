/** Finding rules for NumPy `.npy` arrays and `.npz` archives. */
import { defineRules, type RuleInfo } from '../../findings/rules.js';

const NEP1 = 'https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html';

export const NUMPY_RULES = {
  objectArray: {
    id: 'numpy/object-array',
    title: 'Object array: the data is a pickle',
    severity: 'info',
    help: 'An object dtype means numpy.load(allow_pickle=True) unpickles the array data. The pickle is analysed with the numpy profile; its findings decide the verdict. numpy refuses it with the default allow_pickle=False.',
    references: [NEP1, 'https://nvd.nist.gov/vuln/detail/CVE-2019-6446'],
  },
  ambiguousHeader: {
    id: 'numpy/ambiguous-header',
    title: 'Header that reads two ways',
    severity: 'suspicious',
    help: 'The header repeats a key. numpy (ast.literal_eval) keeps the last value, and so does modelguard, but other readers may keep the first: a scanner and a loader could disagree on the dtype.',
    references: [NEP1],
  },
  unreadHeader: {
    id: 'numpy/pickle-after-unread-header',
    title: 'Pickle after a header modelguard could not read',
    severity: 'info',
    help: "The header did not parse strictly, but the bytes after it are a pickle. Python's literal_eval may read the header as an object dtype, in which case numpy.load(allow_pickle=True) unpickles them, so they are analysed with the numpy profile.",
    references: [NEP1],
  },
  dataSize: {
    id: 'numpy/data-size',
    title: 'Array data does not match the header',
    severity: 'suspicious',
    help: 'The header declares shape x itemsize bytes of data but the file holds fewer (numpy.load fails) or more (numpy ignores the rest: room to hide content).',
    references: [NEP1],
  },
  unknownDtype: {
    id: 'numpy/unknown-dtype',
    title: 'Unrecognised dtype',
    severity: 'unscannable',
    help: 'The descr is not a type string modelguard can size. It does not name the object type, so no pickle follows, but the data size could not be checked.',
    references: [NEP1],
  },
  notArray: {
    id: 'numpy/non-array-member',
    title: 'npz member that is not a .npy array',
    severity: 'info',
    help: 'numpy.load returns such members as raw bytes and never unpickles them. It is scanned as a file of its own.',
  },
} as const satisfies Record<string, RuleInfo>;

defineRules(Object.values(NUMPY_RULES));
