/**
 * PyTorch profile: what `torch.load(weights_only=True)` accepts (read from
 * torch/_weights_only_unpickler.py in torch 1.13, the Debian version, and in
 * current PyTorch), plus the inert uses real training code pickles: whole
 * `nn.Module`s and optimizers rebuilt through the object protocol, and
 * activation functions stored as values. A table, so long.
 */
import type { AllowEntry } from '../types.js';

const REBUILD = 'a tensor rebuild function torch.load(weights_only=True) accepts: builds a tensor from storage, shape and strides';

const DTYPES = [
  'float32', 'float', 'float64', 'double', 'float16', 'half', 'bfloat16', 'complex32', 'chalf', 'complex64', 'cfloat',
  'complex128', 'cdouble', 'uint8', 'int8', 'int16', 'short', 'int32', 'int', 'int64', 'long', 'bool', 'qint8',
  'quint8', 'qint32', 'quint4x2', 'quint2x4', 'float8_e4m3fn', 'float8_e5m2', 'float8_e4m3fnuz', 'float8_e5m2fnuz',
  'float8_e8m0fnu', 'float4_e2m1fn_x2', 'uint16', 'uint32', 'uint64', 'uint1', 'uint2', 'uint3', 'uint4', 'uint5',
  'uint6', 'uint7', 'int1', 'int2', 'int3', 'int4', 'int5', 'int6', 'int7', 'bits8', 'bits16', 'bits1x8', 'bits2x4',
  'bits4x2',
];

const STORAGES = [
  'FloatStorage', 'DoubleStorage', 'HalfStorage', 'BFloat16Storage', 'ComplexFloatStorage', 'ComplexDoubleStorage',
  'ByteStorage', 'CharStorage', 'ShortStorage', 'IntStorage', 'LongStorage', 'BoolStorage', 'QInt8Storage',
  'QUInt8Storage', 'QInt32Storage', 'QUInt4x2Storage', 'QUInt2x4Storage',
];

const TENSOR_TYPES = [
  'FloatTensor', 'DoubleTensor', 'HalfTensor', 'BFloat16Tensor', 'ByteTensor', 'CharTensor', 'ShortTensor',
  'IntTensor', 'LongTensor', 'BoolTensor',
];

const QSCHEMES = [
  'per_tensor_affine', 'per_tensor_symmetric', 'per_channel_affine', 'per_channel_symmetric',
  'per_channel_affine_float_qparams',
];

const LAYOUTS_AND_FORMATS = [
  'strided', 'sparse_coo', 'sparse_csr', 'sparse_csc', 'sparse_bsr', 'sparse_bsc', '_mkldnn', 'jagged',
  'contiguous_format', 'channels_last', 'channels_last_3d', 'preserve_format',
];

/** Activation and elementwise functions modules keep as attributes (TransformerEncoderLayer.activation). */
const ACTIVATIONS = [
  'relu', 'relu6', 'gelu', 'silu', 'mish', 'elu', 'selu', 'celu', 'leaky_relu', 'prelu', 'rrelu', 'glu',
  'hardtanh', 'hardswish', 'hardsigmoid', 'sigmoid', 'tanh', 'softplus', 'softsign', 'softmax', 'log_softmax',
  'softmin', 'tanhshrink', 'softshrink', 'hardshrink', 'logsigmoid', 'threshold', 'dropout', 'layer_norm',
  'normalize', 'linear', 'identity',
];

const TORCH_NN_WHY =
  'a torch.nn class rebuilt through the object protocol: __new__ allocates, torch\'s own __setstate__ restores attributes; no __init__ with stream arguments';

export const TORCH_ALLOW: readonly AllowEntry[] = [
  { name: 'torch._utils._rebuild_tensor', uses: ['call'], why: REBUILD },
  { name: 'torch._utils._rebuild_tensor_v2', uses: ['call'], why: REBUILD },
  { name: 'torch._utils._rebuild_tensor_v3', uses: ['call'], why: REBUILD },
  { name: 'torch._utils._rebuild_parameter', uses: ['call'], why: 'wraps a rebuilt tensor as nn.Parameter' },
  { name: 'torch._utils._rebuild_parameter_with_state', uses: ['call'], why: 'wraps a tensor as nn.Parameter and sets plain attributes' },
  { name: 'torch._utils._rebuild_qtensor', uses: ['call'], why: 'rebuilds a quantized tensor (weights_only accepts it)' },
  { name: 'torch._utils._rebuild_sparse_tensor', uses: ['call'], why: 'rebuilds a sparse tensor from index/value tensors' },
  { name: 'torch._utils._rebuild_sparse_csr_tensor', uses: ['call'], why: 'rebuilds a CSR tensor (torch 1.x)' },
  { name: 'torch._utils._rebuild_meta_tensor_no_storage', uses: ['call'], why: 'a meta tensor: shape and dtype only' },
  { name: 'torch._utils._rebuild_device_tensor_from_numpy', uses: ['call'], why: 'a tensor from a numpy array' },
  { name: 'torch._utils._rebuild_device_tensor_from_cpu_tensor', uses: ['call'], why: 'moves a rebuilt tensor to a device' },
  { name: 'torch._utils._rebuild_nested_tensor', uses: ['call'], why: 'a nested tensor from buffers' },
  {
    name: 'torch._utils._rebuild_wrapper_subclass',
    uses: ['call'],
    why: 'Tensor._make_wrapper_subclass(cls, ...): the class argument is checked for `new`',
    effects: { newArgs: [0], resultClassArg: 0 },
  },
  {
    name: 'torch._tensor._rebuild_from_type_v2',
    uses: ['call'],
    why: 'func(*args), then the result is cast to new_type and gets its state: func is checked for `call`, new_type for `build`',
    effects: { callArg: { fn: 0, args: 2 }, buildArgs: [1], resultClassArg: 1 },
  },
  {
    name: 'torch._tensor._rebuild_from_type',
    uses: ['call'],
    why: 'older form of _rebuild_from_type_v2: func(*args); func is checked for `call`',
    effects: { callArg: { fn: 0, args: 2 }, buildArgs: [1], resultClassArg: 1 },
  },
  { name: 'torch.serialization._get_layout', uses: ['call'], why: 'looks a layout up by name in a fixed table' },
  { name: 'torch.serialization.StorageType', uses: ['call', 'arg'], why: 'a storage type descriptor by name' },
  { name: 'torch.Size', uses: ['call', 'arg'], why: 'a tuple of ints' },
  { name: 'torch.device', uses: ['call', 'arg'], why: 'a device descriptor from a string' },
  { name: 'torch.Tensor', uses: ['new', 'build', 'arg'], why: 'weights_only accepts BUILD on tensors (set_ with storage, offset, size, stride)' },
  { name: 'torch.nn.parameter.Parameter', uses: ['new', 'call', 'build', 'arg'], why: 'weights_only accepts it: wraps a tensor' },
  { name: 'torch.nn.parameter.Buffer', uses: ['new', 'call', 'build', 'arg'], why: 'wraps a tensor' },
  { name: 'torch.nn.parameter.UninitializedParameter', uses: ['new', 'build', 'arg'], why: 'a lazy parameter placeholder' },
  { name: 'torch.nn.parameter.UninitializedBuffer', uses: ['new', 'build', 'arg'], why: 'a lazy buffer placeholder' },
  { name: 'torch.storage.UntypedStorage', uses: ['arg'], why: 'a storage class named in persistent ids' },
  { name: 'torch.storage.TypedStorage', uses: ['arg'], why: 'a storage class named in persistent ids' },
  { name: 'torch.storage._LegacyStorage', uses: ['arg'], why: 'a storage class' },
  ...STORAGES.map((s): AllowEntry => ({ name: `torch.${s}`, uses: ['arg'], why: 'a storage class named in persistent ids' })),
  ...STORAGES.map((s): AllowEntry => ({ name: `torch.cuda.${s}`, uses: ['arg'], why: 'a CUDA storage class named in persistent ids' })),
  ...TENSOR_TYPES.map((t): AllowEntry => ({ name: `torch.${t}`, uses: ['arg', 'new'], why: 'a legacy tensor type' })),
  ...TENSOR_TYPES.map((t): AllowEntry => ({ name: `torch.cuda.${t}`, uses: ['arg', 'new'], why: 'a legacy CUDA tensor type' })),
  ...DTYPES.map((d): AllowEntry => ({ name: `torch.${d}`, uses: ['arg'], why: 'a dtype constant' })),
  ...QSCHEMES.map((q): AllowEntry => ({ name: `torch.${q}`, uses: ['arg'], why: 'a quantization scheme constant' })),
  ...LAYOUTS_AND_FORMATS.map((l): AllowEntry => ({ name: `torch.${l}`, uses: ['arg'], why: 'a layout or memory-format constant' })),
  ...ACTIVATIONS.map((a): AllowEntry => ({ name: `torch.nn.functional.${a}`, uses: ['arg'], why: 'an activation function kept as a module attribute (stored, not called while loading)' })),
  ...ACTIVATIONS.map((a): AllowEntry => ({ name: `torch.${a}`, uses: ['arg'], why: 'an activation function kept as a module attribute (stored, not called while loading)' })),
  // Whole modules and optimizers (torch.save(model)): NEWOBJ + BUILD of torch's own classes.
  { name: 'torch.nn.modules.**.{Class}', uses: ['new', 'build', 'arg'], why: TORCH_NN_WHY },
  { name: 'torch.ao.nn.**.{Class}', uses: ['new', 'build', 'arg'], why: TORCH_NN_WHY },
  { name: 'torch.nn.quantized.**.{Class}', uses: ['new', 'build', 'arg'], why: TORCH_NN_WHY },
  { name: 'torch.nn.intrinsic.**.{Class}', uses: ['new', 'build', 'arg'], why: TORCH_NN_WHY },
  { name: 'torch.nn.utils.weight_norm.WeightNorm', uses: ['new', 'build', 'arg'], why: 'a forward pre-hook object of torch\'s own weight_norm' },
  { name: 'torch.nn.utils.spectral_norm.{Class}', uses: ['new', 'build', 'arg'], why: 'hook objects of torch\'s own spectral_norm' },
  { name: 'torch.nn.utils.parametrize.{Class}', uses: ['new', 'build', 'arg'], why: 'parametrization containers of torch' },
  { name: 'torch.nn.utils.prune.{Class}', uses: ['new', 'build', 'arg'], why: 'pruning-method hooks of torch\'s own prune (attributes only, no __setstate__)' },
  {
    name: 'torch.distributions.**.{Class}',
    uses: ['new', 'build', 'arg'],
    why: 'probability distributions, transforms and constraints: plain attribute state (tensors, shapes), restored by the default __dict__ update',
  },
  {
    name: 'torch.return_types.{func}',
    uses: ['call', 'arg'],
    why: 'the named tuples ops return (torch.max, topk, sort...): a structseq built from a tuple of values',
  },
  { name: 'torch.optim.**.{Class}', uses: ['new', 'build', 'arg'], why: 'an optimizer or LR scheduler rebuilt through the object protocol; __setstate__ restores its dicts' },
  {
    name: 'torch.optim.**.{func}',
    uses: ['arg'],
    why: 'an annealing or scaling function of a scheduler kept in its state dict (SWALR._cosine_anneal); stored, never called while loading',
  },
  { name: 'torch.nn.parallel.data_parallel.DataParallel', uses: ['new', 'build', 'arg'], why: 'an nn.Module wrapper (its own __setstate__ is nn.Module\'s)' },
  { name: 'torch.nn.utils.rnn.PackedSequence', uses: ['new', 'call', 'arg'], why: 'a named tuple of tensors (pack_padded_sequence results)' },
  { name: 'torch.amp.grad_scaler.GradScaler', uses: ['new', 'build', 'arg'], why: 'loss-scaler state' },
  { name: 'torch.cuda.amp.grad_scaler.GradScaler', uses: ['new', 'build', 'arg'], why: 'loss-scaler state' },
  { name: 'torch.utils.hooks.RemovableHandle', uses: ['new', 'build', 'arg'], why: 'a hook handle: an id and weak references' },
  { name: 'torch.nn.modules.module._WrappedHook', uses: ['new', 'build', 'arg'], why: 'torch\'s own hook wrapper' },
  // Lightning and Hydra/OmegaConf hyper-parameter containers found in training checkpoints.
  { name: 'pytorch_lightning.utilities.parsing.AttributeDict', uses: ['call', 'new', 'build', 'arg'], why: 'a dict subclass with attribute access (Lightning hparams)' },
  { name: 'lightning_fabric.utilities.data.AttributeDict', uses: ['call', 'new', 'build', 'arg'], why: 'a dict subclass with attribute access (Lightning hparams)' },
  { name: 'lightning.fabric.utilities.data.AttributeDict', uses: ['call', 'new', 'build', 'arg'], why: 'a dict subclass with attribute access (Lightning hparams)' },
  { name: 'omegaconf.dictconfig.DictConfig', uses: ['new', 'build', 'arg'], why: 'a configuration tree; __setstate__ restores nodes' },
  { name: 'omegaconf.listconfig.ListConfig', uses: ['new', 'build', 'arg'], why: 'a configuration tree; __setstate__ restores nodes' },
  { name: 'omegaconf.base.ContainerMetadata', uses: ['new', 'build', 'call', 'arg'], why: 'configuration metadata (a dataclass)' },
  { name: 'omegaconf.base.Metadata', uses: ['new', 'build', 'call', 'arg'], why: 'configuration metadata (a dataclass)' },
  { name: 'omegaconf.nodes.{Class}', uses: ['new', 'build', 'arg'], why: 'configuration value nodes' },
];
