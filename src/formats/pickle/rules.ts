/** Finding rules of the pickle analysis. */
import { defineRules, type RuleInfo } from '../../findings/rules.js';

const PICKLE_DOCS = 'https://docs.python.org/3/library/pickle.html#restricting-globals';
const TORCH_POLICY = 'https://github.com/pytorch/pytorch/security/policy';

export const PICKLE_RULES = {
  dangerous: {
    id: 'pickle/dangerous-global',
    title: 'Pickle reaches code execution, files, processes or the network',
    severity: 'malicious',
    help: 'The pickle names a global on the curated denylist (os.system, builtins.eval, subprocess, getattr gadgets, torch.load...). Loading it with pickle.load, torch.load(weights_only=False), joblib.load or numpy.load(allow_pickle=True) runs it. Do not load this file.',
    references: [PICKLE_DOCS, TORCH_POLICY],
  },
  unknown: {
    id: 'pickle/unknown-global',
    title: 'Pickle names a global the profile cannot vouch for',
    severity: 'suspicious',
    help: 'Default deny: the global is not on the allowlist of the active profile. Loading imports its module and may call it. If you trust it (your own model class, for example), add it to an allowlist file (--allowlist) for the uses shown.',
    references: [PICKLE_DOCS],
  },
  disallowedUse: {
    id: 'pickle/disallowed-use',
    title: 'Allowed global used in a way the profile does not permit',
    severity: 'suspicious',
    help: 'The global is allowlisted for some uses (for example rebuilt through the object protocol) but here it is used differently (for example called with arguments from the file).',
  },
  dynamicImport: {
    id: 'pickle/dynamic-import',
    title: 'Import of a name computed while loading',
    severity: 'malicious',
    help: 'STACK_GLOBAL operands are not constants of the stream but results of calls (for example codecs rot13): no pickler writes this, it hides the imported name from scanners.',
  },
  buildOnGlobal: {
    id: 'pickle/build-on-global',
    title: 'BUILD modifies a module, class or function',
    severity: 'malicious',
    help: 'BUILD applied to a global object sets its attributes: monkey-patching the loading process.',
  },
  mutateGlobal: {
    id: 'pickle/mutate-global',
    title: 'Item assignment on a global object',
    severity: 'malicious',
    help: 'APPEND/SETITEM/ADDITEMS applied to a global object call its methods with values from the file (for example writing os.environ).',
  },
  stateDunder: {
    id: 'pickle/state-dunder',
    title: 'Object state sets a behaviour-changing attribute',
    severity: 'malicious',
    help: 'A BUILD state sets __setstate__ (or another dunder) on an instance, so the next BUILD calls an attacker-chosen callable with attacker-chosen state.',
  },
  implicitCall: {
    id: 'pickle/implicit-call',
    title: "A value the loader or the object's own code will call is not known to be inert",
    severity: 'malicious',
    help: "Objects rebuilt by a pickle hold values that library code calls later: a defaultdict's factory on a missing key, the keys() of a mapping given to OrderedDict, Module.__repr__'s extra_repr, an optimizer __setstate__'s _hook_for_profile, hooks, a thread's target, a partial's function, an instance attribute that shadows a method. Such a slot holding anything the profile does not vouch for as inert to call (an unknown or disallowed callable, a bound method of an undocumented class method, a partial of a non-inert callable) is malicious; so is rebuilding an object whose purpose is to call something (threads, timers, weak-reference callbacks). Where libraries let users put their own functions (activations, preprocessors, score functions), an unknown function stays suspicious.",
    references: [
      'https://docs.python.org/3/library/pickle.html#pickling-class-instances',
      'https://docs.python.org/3/reference/datamodel.html#invoking-descriptors',
    ],
  },
  callOnObject: {
    id: 'pickle/call-on-object',
    title: 'Pickle calls an object it created',
    severity: 'suspicious',
    help: 'REDUCE/BUILD invokes something that is not an imported global (the result of another call, an extension code, an unknown value). Picklers only call globals; this is how gadget chains call what they fetched.',
  },
  extension: {
    id: 'pickle/extension-code',
    title: 'Pickle uses a copyreg extension code',
    severity: 'suspicious',
    help: "EXT1/EXT2/EXT4 resolve through copyreg's extension registry, which is empty by default (pickle.load raises). A process that registered the code would import whatever it maps to; the file cannot be checked.",
  },
  persistentId: {
    id: 'pickle/persistent-id',
    title: 'Persistent id without a persistent loader',
    severity: 'suspicious',
    help: 'PERSID/BINPERSID need a persistent_load hook (PyTorch has one). Plain pickle.load raises here; what came before still ran.',
  },
  torchPersistentId: {
    id: 'pickle/unexpected-persistent-id',
    title: 'Persistent id PyTorch does not expect',
    severity: 'suspicious',
    help: "PyTorch checkpoints only use ('storage', type, key, location, numel) persistent ids; anything else makes torch.load fail or takes an unusual path.",
  },
  malformed: {
    id: 'pickle/malformed',
    title: 'Pickle stream breaks where the loader would fail',
    severity: 'suspicious',
    help: "CPython's unpickler raises at this point (stack underflow, missing memo entry, wrong operand type, truncation, invalid opcode). Everything before it ran; scanners that give up on broken streams miss payloads placed before the break (nullifAI).",
  },
  outOfBand: {
    id: 'pickle/out-of-band-buffer',
    title: 'Pickle refers to out-of-band buffers',
    severity: 'suspicious',
    help: 'NEXT_BUFFER needs buffers passed to pickle.load; without them the load fails here.',
  },
  boundMethod: {
    id: 'pickle/bound-method',
    title: 'Bound method stored as a value',
    severity: 'info',
    help: "pickle writes a bound method as getattr(<object>, '<name>') (PyTorch 1.x OneCycleLR keeps its anneal function this way), and protocols 0-3 write a dotted name (a staticmethod, a nested class) as getattr(<global>, '<name>'). getattr is accepted in exactly these shapes: for a global, the dotted name it makes is judged by the policy like any other; for an object the stream built, a plain method name (no dunder, no file or code name) whose result is never called while loading. Any other getattr is pickle/dangerous-global; calling a bound method is too.",
  },
  trailing: {
    id: 'pickle/trailing-data',
    title: 'Data after the pickle',
    severity: 'info',
    help: 'Bytes follow the final STOP and are not a pickle. pickle.load ignores them.',
  },
  embeddedTorchFile: {
    id: 'pickle/embedded-torch-file',
    title: 'Torch file embedded in a pickle',
    severity: 'info',
    help: "pickle.dump and joblib.dump write a torch storage as torch.storage._load_from_bytes(<bytes of torch.save>), which runs torch.load(weights_only=False) on those bytes while loading. When the argument is constant bytes, modelguard scans them as the nested torch file they are (its findings are the file's); any other use of _load_from_bytes is pickle/dangerous-global.",
    references: ['https://github.com/pytorch/pytorch/blob/v1.13.0/torch/storage.py'],
  },
  laterPickle: {
    id: 'pickle/additional-pickle',
    title: 'More than one pickle in the stream',
    severity: 'info',
    help: 'pickle.load reads only the first pickle; code that loads a stream of pickles (or a second load call) reads the rest, so every pickle is analysed.',
  },
} as const satisfies Record<string, RuleInfo>;

defineRules(Object.values(PICKLE_RULES));
