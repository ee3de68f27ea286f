/**
 * Vocabulary for Keras config analysis. Class names listed here are the built-in layers and objects that
 * real exported models use; an unknown name without a keras module is a custom object (needs user code).
 */
export const KERAS_BUILTIN_CLASSES: ReadonlySet<string> = new Set(`
Sequential Functional Model InputLayer Input Dense EinsumDense Activation Dropout SpatialDropout1D SpatialDropout2D
SpatialDropout3D GaussianDropout GaussianNoise AlphaDropout Flatten Reshape Permute RepeatVector Masking Embedding
Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose Conv3DTranspose SeparableConv1D SeparableConv2D
DepthwiseConv1D DepthwiseConv2D Cropping1D Cropping2D Cropping3D UpSampling1D UpSampling2D UpSampling3D
ZeroPadding1D ZeroPadding2D ZeroPadding3D MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D
AveragePooling2D AveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GlobalAveragePooling1D
GlobalAveragePooling2D GlobalAveragePooling3D MaxPool1D MaxPool2D AvgPool1D AvgPool2D LSTM GRU SimpleRNN
LSTMCell GRUCell SimpleRNNCell StackedRNNCells RNN Bidirectional TimeDistributed ConvLSTM1D ConvLSTM2D ConvLSTM3D
BatchNormalization LayerNormalization GroupNormalization UnitNormalization SyncBatchNormalization
Add Subtract Multiply Average Maximum Minimum Concatenate Dot ReLU LeakyReLU PReLU ELU Softmax ThresholdedReLU
MultiHeadAttention Attention AdditiveAttention GroupQueryAttention Rescaling Normalization Resizing CenterCrop
RandomFlip RandomRotation RandomZoom RandomCrop RandomContrast RandomTranslation RandomBrightness
TextVectorization StringLookup IntegerLookup CategoryEncoding Hashing Discretization Identity
TFOpLambda SlicingOpLambda Lambda TorchModuleWrapper
GlorotUniform GlorotNormal HeUniform HeNormal LecunUniform LecunNormal Orthogonal Zeros Ones Constant
RandomNormal RandomUniform TruncatedNormal VarianceScaling Identity L1 L2 L1L2 OrthogonalRegularizer MaxNorm
MinMaxNorm NonNeg UnitNorm RadialConstraint Adam AdamW Adamax Adagrad Adadelta Adafactor Ftrl Lion Nadam RMSprop
SGD LossScaleOptimizer ExponentialDecay PiecewiseConstantDecay PolynomialDecay InverseTimeDecay CosineDecay
CosineDecayRestarts BinaryCrossentropy CategoricalCrossentropy SparseCategoricalCrossentropy MeanSquaredError
MeanAbsoluteError Huber Hinge KLDivergence Accuracy BinaryAccuracy CategoricalAccuracy SparseCategoricalAccuracy
TopKCategoricalAccuracy AUC Precision Recall Mean MeanMetricWrapper DTypePolicy Policy FloatDTypePolicy
QuantizedDTypePolicy __tensor__ __numpy__ __keras_tensor__ __typespec__ TensorShape function
`.split(/\s+/).filter((s) => s.length > 0));

/** Module prefixes that belong to Keras/TensorFlow and their official companion libraries. */
export const KERAS_MODULE_PREFIXES: readonly string[] = ['keras', 'tf_keras', 'tensorflow', 'keras_nlp', 'keras_hub', 'keras_cv', 'keras_rs'];

/** Modules whose import alone is a code-execution or host-access primitive (CVE-2025-1550 style references). */
export const DANGEROUS_MODULES: readonly string[] = [
  'builtins', '__builtin__', 'os', 'posix', 'nt', 'subprocess', 'sys', 'importlib', 'runpy', 'shutil', 'socket',
  'pickle', '_pickle', 'marshal', 'types', 'ctypes', 'code', 'codeop', 'pty', 'webbrowser', 'urllib', 'requests',
  'http', 'asyncio', 'multiprocessing', 'pathlib', 'io', '_io', 'tempfile', 'pydoc', 'pkgutil', 'operator', 'functools',
  'dill', 'cloudpickle', 'joblib', 'torch',
];

/** Callables that are dangerous even inside keras.* (CVE-2025-8747: `keras.utils.get_file` downloads files). */
export const DANGEROUS_KERAS_FUNCTIONS: ReadonlySet<string> = new Set(['get_file', 'load_model', 'load_weights', 'deserialize_keras_object', 'enable_unsafe_deserialization']);

/** TFOpLambda `function` values (tf.* symbol paths) that call Python, touch files or run processes. */
export const DANGEROUS_TF_SYMBOL = /(py_func|numpy_function|eager_py_func|py_function|(^|\.)io\.(read_file|write_file|matching_files|gfile)|gfile|(^|\.)debugging\.|print|load_op_library|load_library|system|popen)/i;
