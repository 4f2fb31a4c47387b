/**
 * TensorFlow ops that reach outside the graph: Python callbacks, the file
 * system, the network. A table, so long.
 *
 * Built from TensorFlow's op registry (tensorflow/core/ops/*.cc: io_ops,
 * script_ops, dataset_ops, experimental_dataset_ops, summary_ops,
 * logging_ops, rpc_ops, debug_ops) and the ops the public SavedModel
 * attacks use. Every other op computes on tensors.
 */

export type OpReach =
  'python' | 'file-read' | 'file-write' | 'network' | 'checkpoint-read' | 'checkpoint-write' | 'config' | 'summary' | 'distributed' | 'process' | 'embedded';

export interface OpInfo {
  reach: OpReach;
  why: string;
  /** An attribute that decides: the op only reaches out when it is set (debug URLs, output streams). */
  attr?: string;
}

const PY = 'calls a Python function registered in the loading process';
const READ = 'reads files at a path the graph computes';
const WRITE = 'writes files at a path the graph computes';
const NET = 'connects to a remote service';

const table: [OpReach, string, string[]][] = [
  ['python', PY, ['PyFunc', 'PyFuncStateless', 'EagerPyFunc']],
  [
    'file-read',
    READ,
    [
      'ReadFile',
      'MatchingFiles',
      'ImmutableConst',
      'WholeFileReader',
      'WholeFileReaderV2',
      'TextLineReader',
      'TextLineReaderV2',
      'FixedLengthRecordReader',
      'FixedLengthRecordReaderV2',
      'TFRecordReader',
      'TFRecordReaderV2',
      'LMDBReader',
      'TFRecordDataset',
      'TFRecordDatasetV2',
      'TextLineDataset',
      'FixedLengthRecordDataset',
      'FixedLengthRecordDatasetV2',
      'CSVDataset',
      'CSVDatasetV2',
      'ExperimentalCSVDataset',
      'LMDBDataset',
      'ExperimentalLMDBDataset',
      'SqlDataset',
      'ExperimentalSqlDataset',
      'LoadDataset',
      'SnapshotDatasetReader',
      'SnapshotChunkDataset',
      'ListSnapshotChunksDataset',
      'LoadAndRemapMatrix',
      'GenerateVocabRemapping',
      'InitializeTableFromTextFile',
      'InitializeTableFromTextFileV2',
      'DatasetFromGraph',
      // Reads happen here, through a reader resource (one the graph made, or the host's by shared_name).
      'ReaderRead',
      'ReaderReadV2',
      'ReaderReadUpTo',
      'ReaderReadUpToV2',
      'RecordInput',
      // Lists directories (matching_files_dataset_op.cc walks them).
      'MatchingFilesDataset',
      'ExperimentalMatchingFilesDataset',
    ],
  ],
  [
    'file-write',
    WRITE,
    [
      'WriteFile',
      'SaveDataset',
      'SaveDatasetV2',
      'SnapshotDataset',
      'SnapshotDatasetV2',
      'DatasetToTFRecord',
      'ExperimentalDatasetToTFRecord',
      'CreateSummaryFileWriter',
      'CreateSummaryDbWriter',
      'CacheDataset',
      'CacheDatasetV2',
    ],
  ],
  [
    'network',
    NET,
    [
      'DataServiceDataset',
      'DataServiceDatasetV2',
      'DataServiceDatasetV3',
      'DataServiceDatasetV4',
      'RegisterDataset',
      'RegisterDatasetV2',
      'RpcClient',
      'RpcCall',
      'RpcServer',
      'RpcServerStart',
      'RpcServerRegister',
      'RpcCheckStatus',
      'RpcGetValue',
      'Rpc',
      'TryRpc',
      'BigQueryReader',
      'GenerateBigQueryReaderPartitions',
      'RemoteCall',
      'DistributedSave',
    ],
  ],
  [
    'summary',
    "writes summaries through a summary writer (the one the graph creates, or the host's default writer)",
    [
      'SummaryWriter',
      'WriteSummary',
      'WriteScalarSummary',
      'WriteHistogramSummary',
      'WriteImageSummary',
      'WriteAudioSummary',
      'WriteGraphSummary',
      'WriteRawProtoSummary',
      'ImportEvent',
      'FlushSummaryWriter',
      'CloseSummaryWriter',
      'StatsAggregatorSetSummaryWriter',
    ],
  ],
  [
    'distributed',
    'exchanges tensors with other workers or configures a distributed or TPU system (and can wait on peers forever)',
    [
      'Send',
      'Recv',
      '_Send',
      '_Recv',
      '_HostSend',
      '_HostRecv',
      'CollectiveReduce',
      'CollectiveGather',
      'CollectiveBcastSend',
      'CollectiveBcastRecv',
      'CollectiveReduceV2',
      'CollectiveReduceV3',
      'CollectiveGatherV2',
      'CollectiveBcastSendV2',
      'CollectiveBcastRecvV2',
      'CollectiveAllToAllV2',
      'CollectiveAllToAllV3',
      'CollectiveReduceScatterV2',
      'CollectiveInitializeCommunicator',
      'ConfigureDistributedTPU',
      'ShutdownDistributedTPU',
      'ConfigureTPUEmbedding',
      'WorkerHeartbeat',
    ],
  ],
  ['process', 'stops or stalls the process that runs it', ['Abort', 'SleepDataset', 'ExperimentalSleepDataset']],
  [
    'embedded',
    'runs a program carried in the op (serialized StableHLO, a precompiled TPU program) that modelguard does not analyse; its custom calls can reach host callbacks',
    ['XlaCallModule', 'TPUExecute', 'TPUExecuteAndUpdateVariables'],
  ],
  ['config', 'changes how TensorFlow reaches remote file systems', ['GcsConfigureCredentials', 'GcsConfigureBlockCache', 'FileSystemSetConfiguration']],
  ['checkpoint-read', 'reads a checkpoint at a path the graph computes', ['RestoreV2', 'Restore', 'RestoreSlice']],
  ['checkpoint-write', 'writes (or, merging, deletes) checkpoint files at a path the graph computes', ['SaveV2', 'Save', 'SaveSlices', 'MergeV2Checkpoints']],
];

export const TF_OPS: ReadonlyMap<string, OpInfo> = new Map([
  ...table.flatMap(([reach, why, ops]) => ops.map((op): [string, OpInfo] => [op, { reach, why }])),
  // Only with the attribute set: a `file://` output stream, debug URLs (file:// or grpc://), a descriptor file.
  ['PrintV2', { reach: 'file-write', why: 'prints to the file named in its output_stream', attr: 'output_stream' }],
  ['DebugIdentity', { reach: 'file-write', why: 'dumps tensors to the debug URLs in its config (file:// or grpc://)', attr: 'debug_urls' }],
  ['DebugIdentityV2', { reach: 'file-write', why: 'dumps tensors to the debug URLs in its config', attr: 'debug_urls' }],
  ['DebugIdentityV3', { reach: 'file-write', why: 'dumps tensors to the debug URLs in its config', attr: 'debug_urls' }],
  // debug_ops_spec entries are `<debug op>;<URL>;<gated>` (`DebugIdentity;file:///tmp/dump;0`).
  ['Copy', { reach: 'file-write', why: 'dumps tensors to the URLs in its debug_ops_spec', attr: 'debug_ops_spec' }],
  ['CopyHost', { reach: 'file-write', why: 'dumps tensors to the URLs in its debug_ops_spec', attr: 'debug_ops_spec' }],
  ['FixedUnigramCandidateSampler', { reach: 'file-read', why: 'reads the vocabulary file named in vocab_file', attr: 'vocab_file' }],
  ['DebugNanCount', { reach: 'file-write', why: 'dumps tensors to the debug URLs in its config', attr: 'debug_urls' }],
  ['DebugNumericSummary', { reach: 'file-write', why: 'dumps tensors to the debug URLs in its config', attr: 'debug_urls' }],
  ['DecodeProtoV2', { reach: 'file-read', why: 'reads the descriptor file named in descriptor_source', attr: 'descriptor_source' }],
  ['EncodeProto', { reach: 'file-read', why: 'reads the descriptor file named in descriptor_source', attr: 'descriptor_source' }],
]);

/**
 * Whether an attribute-gated op reaches out given its attribute's string
 * values: a PrintV2 to stderr, a DecodeProtoV2 with `local://` descriptors
 * and a Debug op without URLs stay inside the process.
 */
export function attrReachesOut(op: string, values: readonly string[]): boolean {
  switch (op) {
    case 'PrintV2':
      return values.some((v) => v.startsWith('file://'));
    case 'DecodeProtoV2':
    case 'EncodeProto':
      return values.some((v) => v !== '' && v !== 'local://');
    case 'Copy':
    case 'CopyHost':
      return values.some((v) => (v.split(';')[1] ?? '') !== '');
    default:
      return values.some((v) => v !== '');
  }
}
