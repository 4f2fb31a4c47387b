/**
 * Names Keras resolves without a `module`: the classes and functions of its
 * public modules (layers, initializers, regularizers, constraints,
 * optimizers and schedules, losses, metrics, activations, dtype policies,
 * quantizers) in Keras 2.6-2.15 and 3.x, plus the internal classes Keras 2
 * writes into configs (Functional, TFOpLambda...). A table, so long.
 *
 * Derived from the public API listings (keras/api/<module>/__init__.py in Keras 3,
 * keras/api/golden/v2/<module>.pbtxt in Keras 2), without the non-modeling functions
 * (load_model, deserialize, get, clone_model...). A Keras 2 config names
 * classes by bare `class_name`; a name outside this table is a custom object
 * that loading needs user code for.
 */

/** Classes (layers, initializers, optimizers, losses, metrics...). */
const CLASSES = [
  'AUC', 'AWQConfig', 'AWQDTypePolicy', 'AbsMaxQuantizer', 'AbstractRNNCell', 'Accuracy', 'Activation',
  'ActivityRegularization', 'Adadelta', 'Adafactor', 'Adagrad', 'Adam', 'AdamW', 'Adamax',
  'AdaptiveAveragePooling1D', 'AdaptiveAveragePooling2D', 'AdaptiveAveragePooling3D', 'AdaptiveMaxPooling1D',
  'AdaptiveMaxPooling2D', 'AdaptiveMaxPooling3D', 'Add', 'AdditiveAttention',
  'AlphaDropout', 'AtrousConvolution1D', 'AtrousConvolution2D', 'Attention', 'AugMix', 'AutoContrast', 'Average',
  'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
  'BatchNormalization', 'BatchNormalizationV1', 'BatchNormalizationV2', 'Bidirectional', 'BinaryAccuracy',
  'BinaryCrossentropy', 'BinaryFocalCrossentropy', 'BinaryIoU', 'CTC', 'CategoricalAccuracy',
  'CategoricalCrossentropy', 'CategoricalFocalCrossentropy', 'CategoricalGeneralizedCrossEntropy',
  'CategoricalHinge', 'CategoryCrossing', 'CategoryEncoding', 'CenterCrop', 'Circle', 'ClassMethod', 'CompileLoss',
  'CompileMetrics', 'Concatenate', 'ConcordanceCorrelation', 'Constant', 'Constraint',
  'ContrastLimitedAdaptiveHistogramEqualization', 'Conv1D', 'Conv1DTranspose', 'Conv2D', 'Conv2DTranspose', 'Conv3D',
  'Conv3DTranspose', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'Convolution1D', 'Convolution1DTranspose',
  'Convolution2D', 'Convolution2DTranspose', 'Convolution3D', 'Convolution3DTranspose', 'CosineDecay',
  'CosineDecayRestarts', 'CosineSimilarity', 'Cropping', 'Cropping1D', 'Cropping2D', 'Cropping3D', 'CuDNNGRU',
  'CuDNNLSTM', 'CutMix', 'DType', 'DTypePolicy', 'DTypePolicyMap', 'Deconvolution2D', 'Deconvolution3D', 'Dense',
  'DenseFeatures', 'DepthwiseConv1D', 'DepthwiseConv2D', 'Dice', 'Discretization', 'Dot', 'Dropout',
  'DynamicLossScale', 'ELU', 'EinsumDense', 'Embedding', 'Equalization', 'ExponentialDecay', 'F1Score', 'FBetaScore',
  'FalseNegatives', 'FalsePositives', 'FixedLossScale', 'Flatten', 'FlaxLayer', 'Float8QuantizationConfig',
  'FloatDTypePolicy', 'Ftrl', 'Functional', 'GPTQConfig', 'GPTQDTypePolicy', 'GRU', 'GRUCell', 'GRUV1', 'GRUV2',
  'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D',
  'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'GlorotNormal', 'GlorotUniform',
  'GroupNormalization', 'GroupQueryAttention', 'HashedCrossing', 'Hashing', 'HeNormal', 'HeUniform', 'Highway',
  'Hinge', 'Huber', 'Identity', 'IdentityInitializer', 'Initializer', 'Input', 'InputLayer', 'InputSpec',
  'InstanceMethod', 'InstanceProperty', 'Int4DTypePolicy', 'Int4QuantizationConfig', 'Int8QuantizationConfig',
  'IntegerLookup', 'InverseTimeDecay', 'IoU', 'JaxLayer', 'KLD', 'KLDivergence', 'KerasTensor', 'L1', 'L1L2', 'L2',
  'LSTM', 'LSTMCell', 'LSTMV1', 'LSTMV2', 'Lamb', 'Lambda', 'Layer', 'LayerNormalization', 'LeakyReLU',
  'LearningRateSchedule', 'LecunNormal', 'LecunUniform', 'LinearModel', 'Lion', 'LocallyConnected1D',
  'LocallyConnected2D', 'LogCosh', 'LogCoshError', 'Loss', 'LossFunctionWrapper', 'LossScale', 'LossScaleOptimizer',
  'LossScaleOptimizerV1', 'LossScaleOptimizerV3', 'LossesContainer', 'MAE', 'MAPE', 'MSE', 'MSLE', 'Masking',
  'MaxNorm', 'MaxNumBoundingBoxes', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'MaxPooling1D', 'MaxPooling2D',
  'MaxPooling3D', 'Maximum', 'MaxoutDense', 'Mean', 'MeanAbsoluteError', 'MeanAbsolutePercentageError', 'MeanIoU',
  'MeanMetricWrapper', 'MeanRelativeError', 'MeanSquaredError', 'MeanSquaredLogarithmicError', 'MeanTensor',
  'MelSpectrogram', 'Merge', 'Metric', 'MetricsContainer', 'MetricsList', 'MinMaxNorm', 'Minimum', 'MixUp', 'Model',
  'MultiHeadAttention', 'MultiOptimizer', 'Multiply', 'Muon', 'Nadam', 'NonNeg', 'Normalization', 'OneHotIoU',
  'OneHotMeanIoU', 'Ones', 'Optimizer', 'OptimizerMap', 'Orthogonal', 'OrthogonalInitializer',
  'OrthogonalRegularizer', 'PReLU', 'PearsonCorrelation', 'PeepholeLSTMCell', 'Permute', 'PiecewiseConstantDecay',
  'Pipeline', 'Poisson', 'Policy', 'PolicyV1', 'PolynomialDecay', 'Precision', 'PrecisionAtRecall',
  'PreprocessingLayer', 'QuantizationConfig', 'QuantizedDTypePolicy', 'QuantizedFloat8DTypePolicy', 'Quantizer',
  'R2Score', 'RMSNormalization', 'RMSprop', 'RNN', 'RadialConstraint', 'RaggedTensorSpec', 'RandAugment',
  'RandomBrightness', 'RandomColorDegeneration', 'RandomColorJitter', 'RandomContrast', 'RandomCrop',
  'RandomElasticTransform', 'RandomErasing', 'RandomFlip', 'RandomFourierFeatures', 'RandomGaussianBlur',
  'RandomGrayscale', 'RandomHeight', 'RandomHue', 'RandomInvert', 'RandomNormal', 'RandomPerspective',
  'RandomPosterization', 'RandomRotation', 'RandomSaturation', 'RandomSharpness', 'RandomShear', 'RandomTranslation',
  'RandomUniform', 'RandomWidth', 'RandomZoom', 'ReLU', 'Recall', 'RecallAtPrecision', 'Reduction', 'Regularizer',
  'RepeatVector', 'Rescaling', 'Reshape', 'Resizing', 'ReversibleEmbedding', 'RootMeanSquaredError', 'SGD', 'STFT',
  'STFTInitializer', 'STFTSpectrogram', 'ScheduleFreeAdamW', 'SensitivityAtSpecificity', 'SeparableConv1D',
  'SeparableConv2D', 'SeparableConvolution1D', 'SeparableConvolution2D', 'Sequential', 'SharpnessAwareMinimization',
  'SimpleRNN', 'SimpleRNNCell', 'SlicingOpLambda', 'Softmax', 'Solarization', 'SparseCategoricalAccuracy',
  'SparseCategoricalCrossentropy', 'SparseTensorSpec', 'SparseTopKCategoricalAccuracy', 'SpatialDropout1D',
  'SpatialDropout2D', 'SpatialDropout3D', 'SpecificityAtSensitivity', 'SpectralNormalization', 'SquaredHinge',
  'StackedRNNCells', 'StringLookup', 'Subtract', 'Sum', 'SumOverBatchSize', 'SyncBatchNormalization', 'TFOpLambda', 'TensorFlowOpLayer',
  'TFSMLayer', 'TensorShape', 'TensorSpec', 'TernaryDTypePolicy', 'TernaryDense', 'TernaryQuantizationConfig',
  'TextVectorization', 'ThresholdedReLU', 'TimeDistributed', 'TopKCategoricalAccuracy', 'TorchModuleWrapper',
  'TrueNegatives', 'TruePositives', 'TruncatedNormal', 'Tversky', 'UnitNorm', 'UnitNormalization', 'UpSampling1D',
  'UpSampling2D', 'UpSampling3D', 'VarianceScaling', 'WideDeepModel', 'Wrapper', 'ZeroPadding1D', 'ZeroPadding2D',
  'ZeroPadding3D', 'Zeros',
];

/** Functions referred to by name (activations, losses, metrics, initializer aliases). */
const FUNCTIONS = [
  'add', 'average', 'binary_accuracy', 'binary_crossentropy', 'binary_focal_crossentropy', 'categorical_accuracy',
  'categorical_crossentropy', 'categorical_focal_crossentropy', 'categorical_generalized_cross_entropy',
  'categorical_hinge', 'celu', 'circle', 'concatenate', 'concordance_correlation', 'constant', 'cosine_similarity',
  'ctc', 'dice', 'dot', 'elu', 'exponential', 'gelu', 'glorot_normal', 'glorot_uniform', 'glu', 'hard_shrink',
  'hard_sigmoid', 'hard_silu', 'hard_swish', 'hard_tanh', 'he_normal', 'he_uniform', 'hinge', 'huber', 'identity',
  'kl_divergence', 'kld', 'kullback_leibler_divergence', 'l1', 'l1_l2', 'l2', 'leaky_relu', 'lecun_normal',
  'lecun_uniform', 'linear', 'log_cosh', 'log_sigmoid', 'log_softmax', 'logcosh', 'mae', 'mape', 'max_norm',
  'maximum', 'mean_absolute_error', 'mean_absolute_percentage_error', 'mean_squared_error',
  'mean_squared_logarithmic_error', 'min_max_norm', 'minimum', 'mish', 'mse', 'msle', 'multiply', 'non_neg', 'ones',
  'orthogonal', 'orthogonal_regularizer', 'pearson_correlation', 'poisson', 'radial_constraint', 'random_normal',
  'random_uniform', 'relu', 'relu6', 'selu', 'sigmoid', 'silu', 'soft_shrink', 'softmax', 'softmax_v2', 'softplus',
  'softsign', 'sparse_categorical_accuracy', 'sparse_categorical_crossentropy', 'sparse_plus', 'sparse_sigmoid',
  'sparse_top_k_categorical_accuracy', 'sparsemax', 'squared_hinge', 'squareplus', 'stft', 'subtract', 'swish',
  'tanh', 'tanh_shrink', 'threshold', 'top_k_categorical_accuracy', 'truncated_normal', 'tversky', 'unit_norm',
  'unpack_int2', 'unpack_int4', 'unpack_ternary', 'variance_scaling', 'zeros',
];

export const KERAS_BUILTIN_NAMES: ReadonlySet<string> = new Set([...CLASSES, ...FUNCTIONS]);

/** Whether `name` is a Keras built-in (Keras 2.11-2.12 wrote optimizers as `Custom>Adam`). */
export function isKerasBuiltinName(name: string): boolean {
  if (KERAS_BUILTIN_NAMES.has(name)) return true;
  return name.startsWith('Custom>') && KERAS_BUILTIN_NAMES.has(name.slice('Custom>'.length));
}
