/**
 * Callables a benign ML pickle legitimately imports (torch state dicts, numpy arrays, sklearn/joblib models).
 * Matching is EXACT on `module` + `name`: a dotted name (`A.b`) or a re-export spelling is never implied, which
 * is what stops "traverse from an allowed module" bypasses. Sources: PyTorch's weights_only
 * allowlist, picklescan's innocuous set, fickling's ML allowlist, what numpy/joblib/sklearn really emit.
 */
const TORCH_STORAGES = [
  'FloatStorage', 'DoubleStorage', 'HalfStorage', 'BFloat16Storage', 'LongStorage', 'IntStorage', 'ShortStorage',
  'CharStorage', 'ByteStorage', 'BoolStorage', 'ComplexFloatStorage', 'ComplexDoubleStorage', 'QInt8Storage',
  'QUInt8Storage', 'QInt32Storage', 'QUInt4x2Storage', 'QUInt2x4Storage', 'UntypedStorage', 'TypedStorage',
];
const TORCH_LEGACY_TENSORS = [
  'FloatTensor', 'DoubleTensor', 'HalfTensor', 'BFloat16Tensor', 'LongTensor', 'IntTensor', 'ShortTensor',
  'CharTensor', 'ByteTensor', 'BoolTensor',
];
const TORCH_DTYPES = [
  'float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool', 'complex64',
  'complex128', 'float8_e4m3fn', 'float8_e5m2', 'qint8', 'quint8', 'qint32',
];

const SAFE: Record<string, readonly string[]> = {
  torch: [...TORCH_STORAGES, ...TORCH_LEGACY_TENSORS, ...TORCH_DTYPES, 'Size', 'device', 'dtype', 'Tensor', 'per_tensor_affine', 'strided', 'sparse_coo', 'float', 'half', 'double', 'long', 'int'],
  'torch._utils': [
    '_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_parameter', '_rebuild_parameter_with_state',
    '_rebuild_sparse_tensor', '_rebuild_device_tensor_from_numpy', '_rebuild_qtensor', '_rebuild_nested_tensor',
    '_rebuild_meta_tensor_no_storage', '_rebuild_wrapper_subclass',
  ],
  'torch._tensor': ['_rebuild_from_type_v2'],
  'torch.serialization': ['_get_layout'],
  'torch.nn.parameter': ['Parameter'],
  'torch.storage': ['UntypedStorage', 'TypedStorage'],
  collections: ['OrderedDict', 'defaultdict', 'Counter', 'deque'],
  builtins: [
    'set', 'frozenset', 'slice', 'complex', 'bytearray', 'bytes', 'dict', 'list', 'tuple', 'int', 'float', 'str',
    'bool', 'object', 'range', 'True', 'False',
    // Python 2 names that protocol 0-2 pickles use for the same types (range → __builtin__.xrange).
    'xrange', 'unicode', 'long',
  ],
  copyreg: ['_reconstructor'],
  _codecs: ['encode'],
  'numpy.core.multiarray': ['_reconstruct', 'scalar'],
  'numpy._core.multiarray': ['_reconstruct', 'scalar'],
  'numpy.core.numeric': ['_frombuffer'],
  'numpy._core.numeric': ['_frombuffer'],
  numpy: ['dtype', 'ndarray', 'float64', 'float32', 'float16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool_'],
  'numpy.dtypes': [
    'Float64DType', 'Float32DType', 'Float16DType', 'Int64DType', 'Int32DType', 'Int16DType', 'Int8DType',
    'UInt8DType', 'BoolDType', 'ObjectDType', 'StrDType', 'BytesDType',
  ],
  'numpy.random._pickle': ['__randomstate_ctor', '__bit_generator_ctor', '__generator_ctor'],
  'numpy.random.mtrand': ['RandomState'],
  'joblib.numpy_pickle': ['NumpyArrayWrapper'],
  'scipy.sparse._csr': ['csr_matrix'],
  'scipy.sparse._csc': ['csc_matrix'],
  uuid: ['UUID'],
  datetime: ['datetime', 'date', 'time', 'timedelta', 'timezone'],
  decimal: ['Decimal'],
  fractions: ['Fraction'],
  argparse: ['Namespace'],
  pathlib: ['PosixPath', 'WindowsPath', 'PurePosixPath', 'PureWindowsPath'],
};

/** sklearn estimators live in many private submodules; any class in these is a plain estimator object. */
const SAFE_MODULE_PREFIXES = ['sklearn.'];

/** Names in an allowed prefix that are still code paths and must not be allowed. */
const SKLEARN_UNSAFE_NAME = /^(_?load|_?loads|eval|exec|system|popen|.*[Pp]ickle.*)$/;

const safeSet = new Set(Object.entries(SAFE).flatMap(([m, names]) => names.map((n) => `${m}\u0000${n}`)));

/** Python 2 spellings emitted by protocol 0-2 pickles for the same builtins. */
const PY2_ALIASES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

export function isBuiltinSafe(module: string, name: string): boolean {
  const m = PY2_ALIASES[module] ?? module;
  if (name.includes('.')) return false;
  if (safeSet.has(`${m}\u0000${name}`)) return true;
  return SAFE_MODULE_PREFIXES.some((p) => m.startsWith(p)) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !SKLEARN_UNSAFE_NAME.test(name);
}
