/** Finding rules for Keras models (.keras, legacy HDF5, model JSON, SavedModel metadata). */
import { defineRules, type RuleInfo } from '../../findings/rules.js';

const CVE_2024_3660 = 'https://nvd.nist.gov/vuln/detail/CVE-2024-3660';
const CVE_2025_1550 = 'https://nvd.nist.gov/vuln/detail/CVE-2025-1550';
const CVE_2025_8747 = 'https://nvd.nist.gov/vuln/detail/CVE-2025-8747';
const CVE_2025_9905 = 'https://nvd.nist.gov/vuln/detail/CVE-2025-9905';
const CVE_2025_9906 = 'https://nvd.nist.gov/vuln/detail/CVE-2025-9906';
const SAVING = 'https://keras.io/guides/serialization_and_saving/';

export const KERAS_RULES = {
  lambdaBytecode: {
    id: 'keras/lambda-bytecode',
    title: 'Lambda with marshaled Python bytecode',
    severity: 'malicious',
    help: 'A Lambda layer (or a `__lambda__` object) carries a marshaled Python code object. Keras rebuilds it with marshal.loads and runs it when the model is built or called: loading a legacy .h5 file does so by default (CVE-2024-3660, CVE-2025-9905), a .keras file with safe_mode=False. Never load the model; rebuild the layer from source you trust.',
    references: [CVE_2024_3660, CVE_2025_9905, SAVING],
  },
  lambdaNotCode: {
    id: 'keras/lambda-not-code',
    title: 'Lambda whose function is not a code object',
    severity: 'suspicious',
    help: 'A Lambda layer asks for bytecode deserialization but its payload does not decode to a marshaled code object, so loading fails. Nothing runs, but a crafted payload is an attack artefact.',
    references: [CVE_2024_3660],
  },
  dangerousReference: {
    id: 'keras/dangerous-reference',
    title: 'Reference to a function that reaches code, files or the network',
    severity: 'malicious',
    help: 'A `module`/`class_name`/`registered_name` (or a Lambda `module`, or a TFOpLambda function) names a callable that runs code, reads or writes files, downloads, or switches safe mode off (os.system, builtins.exec, keras.utils.get_file, keras.config.enable_unsafe_deserialization...). Keras versions before the fixes import it while loading, even in safe mode (CVE-2025-1550, CVE-2025-8747, CVE-2025-9906).',
    references: [CVE_2025_1550, CVE_2025_8747, CVE_2025_9906],
  },
  customObject: {
    id: 'keras/custom-object',
    title: 'Custom object outside the Keras and TensorFlow namespaces',
    severity: 'suspicious',
    help: 'The config names a class or function that is not part of Keras or TensorFlow (module `__main__`, a third-party package, a `Package>Name` registered name, or an unknown class name). Loading needs that code installed and imports it (older Keras imports any module named in the config). Check where the code comes from, or pass it via custom_objects yourself.',
    references: [CVE_2025_1550, SAVING],
  },
  tfsmLayer: {
    id: 'keras/tfsm-layer',
    title: 'TFSMLayer loads an external SavedModel',
    severity: 'malicious',
    help: 'A TFSMLayer reloads a TensorFlow SavedModel from the path in its config when the model is loaded. That graph is not in this file, cannot be checked here, and can read and write files; Keras refuses it in safe mode since 3.13.',
    references: ['https://github.com/keras-team/keras/pull/22035'],
  },
  torchModule: {
    id: 'keras/torch-module',
    title: 'TorchModuleWrapper holding a pickled PyTorch module',
    severity: 'suspicious',
    help: 'A TorchModuleWrapper layer stores a torch.save() archive in its config and unpickles it with torch.load() when loaded; Keras refuses it in safe mode. The embedded archive is scanned as a PyTorch file; its findings are listed under the layer.',
    references: ['https://github.com/keras-team/keras/pull/21575'],
  },
  duplicateKey: {
    id: 'keras/duplicate-key',
    title: 'Duplicate key in a Keras config',
    severity: 'suspicious',
    help: "A JSON object in the config repeats a key. Python's json keeps the last value, other parsers the first: a scanner and the loader can see different models. Both values are analysed.",
  },
  badConfig: {
    id: 'keras/bad-config',
    title: 'Keras config missing or not valid',
    severity: 'suspicious',
    help: 'The model config is missing, is not JSON, or is not a serialized Keras object, so keras.models.load_model fails. Nothing in it was run, but a broken config can hide content from scanners.',
    references: [SAVING],
  },
  hdf5External: {
    id: 'keras/hdf5-external',
    title: 'HDF5 link or dataset that points to another file',
    severity: 'suspicious',
    help: 'An external link or a virtual dataset source names another file. h5py follows it when Keras reads the weights, so loading reads a file the model does not contain.',
    references: ['https://docs.h5py.org/en/stable/high/group.html#external-links'],
  },
  hdf5Data: {
    id: 'keras/hdf5-data',
    title: 'HDF5 file without a model config',
    severity: 'info',
    help: 'An HDF5 file with no `model_config` attribute: weights or other arrays, which Keras loads as data only (load_weights). Nothing in it names code.',
  },
  weightsNotHdf5: {
    id: 'keras/weights-not-hdf5',
    title: 'Keras weights member that is not HDF5',
    severity: 'suspicious',
    help: 'A .keras archive member named like the HDF5 weights file holds something else; Keras fails to load it, and the content is scanned on its own.',
  },
} as const satisfies Record<string, RuleInfo>;

defineRules(Object.values(KERAS_RULES));

export type KerasRuleKey = keyof typeof KERAS_RULES;
