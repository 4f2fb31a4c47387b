/** Finding rules for TensorFlow files (SavedModel, GraphDef, checkpoints). */
import { defineRules, type RuleInfo } from '../../findings/rules.js';

const OPS = 'https://www.tensorflow.org/api_docs/python/tf/raw_ops';
const SECURITY = 'https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md';

export const TF_RULES = {
  pythonOp: {
    id: 'tensorflow/python-op',
    title: 'Graph calls back into Python',
    severity: 'malicious',
    help: 'PyFunc, PyFuncStateless and EagerPyFunc call a Python function registered in the loading process (tf.py_function, tf.numpy_function). A model file has no business running Python; TensorFlow calls SavedModels programs for this reason.',
    references: [SECURITY, OPS],
  },
  fileOp: {
    id: 'tensorflow/file-op',
    title: 'Graph reads or writes files',
    severity: 'malicious',
    help: 'The graph contains ops that read or write files (ReadFile, WriteFile, MatchingFiles, file readers and datasets, summary writers, PrintV2 to a file, debug dumps). They run when the function holding them is called, or at load time in an init op, with the path the graph computes: a way to read secrets or plant files.',
    references: [SECURITY, OPS],
  },
  networkOp: {
    id: 'tensorflow/network-op',
    title: 'Graph connects to remote services',
    severity: 'malicious',
    help: 'The graph contains RPC, tf.data service or BigQuery ops that open network connections when run.',
    references: [SECURITY, OPS],
  },
  fsConfigOp: {
    id: 'tensorflow/fs-config-op',
    title: 'Graph changes remote file-system settings',
    severity: 'suspicious',
    help: 'GCS credential/cache or file-system configuration ops change how later file operations reach remote storage.',
    references: [OPS],
  },
  summaryOp: {
    id: 'tensorflow/summary-op',
    title: 'Graph writes summaries',
    severity: 'suspicious',
    help: "Summary ops (WriteSummary, WriteScalarSummary...) write event files or a summary database through a writer resource: one the graph creates (CreateSummaryFileWriter, reported as a file op) or, by shared name, the loading program's own default writer. Models rarely export them; they write whenever the function runs.",
    references: [OPS],
  },
  distributedOp: {
    id: 'tensorflow/distributed-op',
    title: 'Graph talks to other workers',
    severity: 'suspicious',
    help: 'Send/Recv across tasks, collective ops, TPU system configuration and worker heartbeats exchange data with other processes of a cluster, or reconfigure it, and can block waiting for peers. A model served on one machine does not need them.',
    references: [OPS],
  },
  processOp: {
    id: 'tensorflow/process-op',
    title: 'Graph stops or stalls the process',
    severity: 'suspicious',
    help: 'Abort ends the process that runs the graph (SIGABRT, or a normal exit); SleepDataset stalls it. A way to take down a serving process.',
    references: [OPS],
  },
  embeddedProgram: {
    id: 'tensorflow/embedded-program',
    title: 'Graph runs an embedded program',
    severity: 'suspicious',
    help: 'XlaCallModule carries a serialized StableHLO module (jax2tf native serialization) and TPUExecute a precompiled program; they are compiled and run as given, and their custom calls can reach host callbacks. modelguard does not analyse them.',
    references: [OPS],
  },
  customOp: {
    id: 'tensorflow/custom-op',
    title: 'Graph uses ops from a native op library',
    severity: 'suspicious',
    help: 'Ops TensorFlow does not register itself: namespaced ones (IO>..., Addons>..., TFText>...) or names outside tf.raw_ops. They run native code from a library the loading process must have loaded (tf.load_op_library, or importing tensorflow_io/tensorflow_text...); what they do is out of sight, and several TF I/O ops read files or connect to databases. TensorFlow refuses the graph when the library is not loaded.',
    references: [OPS],
  },
  checkpointWrite: {
    id: 'tensorflow/checkpoint-write',
    title: 'Checkpoint writing outside the saver',
    severity: 'malicious',
    help: 'SaveV2/Save/MergeV2Checkpoints write (and merging deletes) files at a path the graph computes. Every SavedModel has them in its saver, which only runs when asked to save; outside the saver they write files whenever the function runs.',
    references: [OPS],
  },
  checkpointRead: {
    id: 'tensorflow/checkpoint-read',
    title: 'Checkpoint reading outside the saver',
    severity: 'suspicious',
    help: 'RestoreV2/Restore ops outside the saver read checkpoint files from a path the graph computes when the function runs.',
    references: [OPS],
  },
  tableFromFile: {
    id: 'tensorflow/table-from-file',
    title: 'Lookup table initialised from a text file',
    severity: 'info',
    help: 'InitializeTableFromTextFile reads a vocabulary file, normally one of the SavedModel assets; the asset list is checked separately.',
    references: [OPS],
  },
  assetEscape: {
    id: 'tensorflow/asset-escape',
    title: 'Asset path outside the SavedModel',
    severity: 'malicious',
    help: 'An AssetFileDef filename is absolute or climbs out of assets/ with "..": the loader hands the graph a path to a file the model does not own.',
  },
  savedModel: {
    id: 'tensorflow/saved-model',
    title: 'TensorFlow SavedModel',
    severity: 'info',
    help: 'A SavedModel graph: every op of the graph and of its function library was checked; checkpoint ops inside the saver are expected.',
  },
  graphDef: {
    id: 'tensorflow/graph-def',
    title: 'TensorFlow GraphDef',
    severity: 'info',
    help: 'A (frozen) GraphDef: every op of the graph and of its function library was checked.',
  },
  kerasMetadata: {
    id: 'tensorflow/keras-metadata',
    title: 'Keras SavedModel metadata',
    severity: 'info',
    help: 'keras_metadata.pb (or SavedUserObject metadata) holds the Keras config of every layer; Keras rebuilds layers from it, Lambda bytecode included. Analysed with the Keras rules.',
  },
  fingerprint: {
    id: 'tensorflow/fingerprint',
    title: 'SavedModel fingerprint',
    severity: 'info',
    help: 'fingerprint.pb: hashes of the SavedModel parts. Data only.',
  },
  checkpointIndex: {
    id: 'tensorflow/checkpoint-index',
    title: 'TensorFlow checkpoint index',
    severity: 'info',
    help: 'A tensor bundle index (variables.index): a table of tensor names, dtypes, shapes and where their bytes are in the data shards. Data only; restoring reads tensors, never code.',
  },
  variablesData: {
    id: 'tensorflow/variables-data',
    title: 'TensorFlow checkpoint data shard',
    severity: 'info',
    help: 'Raw tensor bytes (variables.data-NNNNN-of-NNNNN) that the index next to it describes. Data only; recognised by its index, since raw bytes have no signature.',
  },
  shardShort: {
    id: 'tensorflow/shard-short',
    title: 'Checkpoint data shard shorter than its index',
    severity: 'suspicious',
    help: 'The index places tensor bytes past the end of this data shard: restoring fails. The shard is not what the index was written with.',
  },
} as const satisfies Record<string, RuleInfo>;

defineRules(Object.values(TF_RULES));

export type TfRuleKey = keyof typeof TF_RULES;
