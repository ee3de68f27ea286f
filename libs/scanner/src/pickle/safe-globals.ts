/**
 * The reviewed allowlist: EXACT `module` + `name` pairs that benign ML pickles import, each with the reason it
 * is safe to call with attacker-chosen arguments. There are no module prefixes or wildcards: a trusted
 * package's module can re-export a gadget under its own name (issue 16, class 1), so a name is allowed only
 * after someone read what it is. `allowed-callables.spec.ts` checks every entry has a reason and, for the
 * modules importable on the test machine (stdlib, numpy, scipy), that the name resolves to what is claimed.
 *
 * Sources: PyTorch's weights_only allowlist (torch/_weights_only_unpickler.py, torch 2.6), numpy 2.x
 * `ndarray.__reduce_ex__`/`dtype.__reduce__` (numpy/_core/src/multiarray/methods.c, descriptor.c; numpy 1.x
 * spells the same functions under `numpy.core`), joblib 1.4 `numpy_pickle.py`, scikit-learn 1.5 module layout.
 */
export type AllowedKind = 'class' | 'function' | 'constant';

export interface AllowedCallable {
  module: string;
  name: string;
  kind: AllowedKind;
  reason: string;
}

type Group = { module: string; kind: AllowedKind; names: readonly string[]; reason: string };

const R_TORCH_STORAGE = 'torch storage/tensor type: a typed buffer tag that torch.load pairs with a zip record; constructing one allocates by its (checked) size only';
const R_TORCH_REBUILD = 'torch tensor rebuild helper on the weights_only allowlist: builds a tensor view over a storage, runs no code';
const R_DTYPE = 'dtype/scalar-type constant; calling it builds a number or dtype';
const R_NUMPY_RECON = 'numpy array/scalar reconstructor: allocates an array from (dtype, shape, bytes); the dtype is itself a checked import';
const R_BUILTIN_TYPE = 'builtin container/number type; constructing one from data runs no user code';
const R_ESTIMATOR = 'scikit-learn estimator class: __init__ only stores hyper-parameters, __setstate__ copies fitted attributes';
const R_CYTHON_STATE = 'Cython extension type or its generated __pyx_unpickle helper: rebuilds C fields from numbers and arrays';
const R_WRAPPER = 'scikit-learn API wrapper: stores hyper-parameters and a Booster (itself a checked import)';
const R_VALUE = 'plain value type: constructor parses numbers/strings, no I/O';

const GROUPS: readonly Group[] = [
  { module: 'torch', kind: 'class', reason: R_TORCH_STORAGE, names: [
    'FloatStorage', 'DoubleStorage', 'HalfStorage', 'BFloat16Storage', 'LongStorage', 'IntStorage', 'ShortStorage',
    'CharStorage', 'ByteStorage', 'BoolStorage', 'ComplexFloatStorage', 'ComplexDoubleStorage', 'QInt8Storage',
    'QUInt8Storage', 'QInt32Storage', 'QUInt4x2Storage', 'QUInt2x4Storage', 'UntypedStorage', 'TypedStorage',
    'FloatTensor', 'DoubleTensor', 'HalfTensor', 'BFloat16Tensor', 'LongTensor', 'IntTensor', 'ShortTensor',
    'CharTensor', 'ByteTensor', 'BoolTensor', 'Tensor', 'Size', 'device', 'dtype'] },
  { module: 'torch', kind: 'constant', reason: R_DTYPE, names: [
    'float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool', 'complex64',
    'complex128', 'float8_e4m3fn', 'float8_e5m2', 'qint8', 'quint8', 'qint32', 'per_tensor_affine', 'strided',
    'sparse_coo', 'float', 'half', 'double', 'long', 'int'] },
  { module: 'torch._utils', kind: 'function', reason: R_TORCH_REBUILD, names: [
    '_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_parameter', '_rebuild_parameter_with_state',
    '_rebuild_sparse_tensor', '_rebuild_device_tensor_from_numpy', '_rebuild_qtensor', '_rebuild_nested_tensor',
    '_rebuild_meta_tensor_no_storage', '_rebuild_wrapper_subclass'] },
  { module: 'torch._tensor', kind: 'function', reason: R_TORCH_REBUILD, names: ['_rebuild_from_type_v2'] },
  { module: 'torch.serialization', kind: 'function', reason: 'maps a layout name to a torch.layout constant (getattr on torch restricted to layouts by torch itself)', names: ['_get_layout'] },
  { module: 'torch.nn.parameter', kind: 'class', reason: 'nn.Parameter wraps a tensor; no code in construction', names: ['Parameter'] },
  { module: 'torch.storage', kind: 'class', reason: R_TORCH_STORAGE, names: ['UntypedStorage', 'TypedStorage'] },
  { module: 'collections', kind: 'class', reason: R_BUILTIN_TYPE, names: ['OrderedDict', 'Counter', 'deque'] },
  // defaultdict's first argument is a callable invoked on a missing key; it is only ever one of the checked imports.
  { module: 'collections', kind: 'class', reason: 'dict subclass; its default_factory argument is itself an import the policy checks', names: ['defaultdict'] },
  { module: 'builtins', kind: 'class', reason: R_BUILTIN_TYPE, names: [
    'set', 'frozenset', 'slice', 'complex', 'bytearray', 'bytes', 'dict', 'list', 'tuple', 'int', 'float', 'str', 'bool',
    'object', 'range'] },
  { module: 'builtins', kind: 'constant', reason: 'boolean constant (protocol 0-2 spelling of True/False)', names: ['True', 'False'] },
  // Python 2 spellings that protocol 0-2 pickles use for the same types (see PY2_ALIASES below).
  { module: 'builtins', kind: 'class', reason: 'Python 2 name of a builtin type, written by protocol 0-2 pickles', names: ['xrange', 'unicode', 'long'] },
  { module: 'copyreg', kind: 'function', reason: 'protocol 0/1 object rebuild: object.__new__ of a class that is itself a checked import', names: ['_reconstructor'] },
  { module: '_codecs', kind: 'function', reason: 'protocol 2 encoding of bytes (str.encode("latin1")); pure data conversion', names: ['encode'] },
  { module: 'numpy._core.multiarray', kind: 'function', reason: R_NUMPY_RECON, names: ['_reconstruct', 'scalar'] },
  { module: 'numpy.core.multiarray', kind: 'function', reason: `${R_NUMPY_RECON} (numpy 1.x path)`, names: ['_reconstruct', 'scalar'] },
  { module: 'numpy._core.numeric', kind: 'function', reason: 'protocol-5 array rebuild from an in-band buffer (ndarray.__reduce_ex__(5))', names: ['_frombuffer'] },
  { module: 'numpy.core.numeric', kind: 'function', reason: 'protocol-5 array rebuild from an in-band buffer (numpy 1.x path)', names: ['_frombuffer'] },
  { module: 'numpy', kind: 'class', reason: 'dtype/ndarray/scalar type: construction allocates from arguments the VM checks', names: [
    'dtype', 'ndarray', 'float64', 'float32', 'float16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool_'] },
  { module: 'numpy.dtypes', kind: 'class', reason: 'numpy >= 1.25 DType class, a dtype tag', names: [
    'Float64DType', 'Float32DType', 'Float16DType', 'Int64DType', 'Int32DType', 'Int16DType', 'Int8DType',
    'UInt8DType', 'BoolDType', 'ObjectDType', 'StrDType', 'BytesDType'] },
  { module: 'numpy.random._pickle', kind: 'function', reason: 'RandomState/Generator/BitGenerator constructors; look the bit generator up in a fixed table', names: [
    '__randomstate_ctor', '__bit_generator_ctor', '__generator_ctor'] },
  { module: 'numpy.random.mtrand', kind: 'class', reason: 'RandomState: state is numbers only', names: ['RandomState'] },
  { module: 'numpy.random._mt19937', kind: 'class', reason: 'bit generator class passed to __bit_generator_ctor by numpy >= 1.25', names: ['MT19937'] },
  { module: 'numpy.random._pcg64', kind: 'class', reason: 'bit generator class passed to __bit_generator_ctor by numpy >= 1.25', names: ['PCG64'] },
  { module: 'joblib.numpy_pickle', kind: 'class', reason: 'joblib array header (dtype, shape, order); the raw bytes that follow are sized, not executed', names: ['NumpyArrayWrapper'] },
  { module: 'scipy.sparse._csr', kind: 'class', reason: 'sparse matrix container of three arrays', names: ['csr_matrix'] },
  { module: 'scipy.sparse._csc', kind: 'class', reason: 'sparse matrix container of three arrays', names: ['csc_matrix'] },
  { module: 'uuid', kind: 'class', reason: R_VALUE, names: ['UUID'] },
  { module: 'datetime', kind: 'class', reason: R_VALUE, names: ['datetime', 'date', 'time', 'timedelta', 'timezone'] },
  { module: 'decimal', kind: 'class', reason: R_VALUE, names: ['Decimal'] },
  { module: 'fractions', kind: 'class', reason: R_VALUE, names: ['Fraction'] },
  { module: 'argparse', kind: 'class', reason: 'attribute bag (training arguments in checkpoints)', names: ['Namespace'] },
  // Bound classmethod: CPython pickles it as builtins.getattr(zoneinfo.ZoneInfo, '_unpickle') (see method-ref.ts).
  { module: 'zoneinfo', kind: 'class', reason: 'ZoneInfo(key): zone lookup by key, paths validated by zoneinfo._tzpath', names: ['ZoneInfo'] },
  { module: 'zoneinfo', kind: 'function', reason: 'ZoneInfo._unpickle(key, from_cache) looks the zone up by key; zoneinfo._tzpath rejects absolute and escaping paths', names: ['ZoneInfo._unpickle'] },
  { module: 'pytz', kind: 'function', reason: 'pytz unpickler: looks the zone up in all_timezones (fixed names), no file path from the pickle', names: ['_p'] },
  { module: 'pytz', kind: 'function', reason: 'returns the UTC singleton', names: ['_UTC'] },
  { module: 'pandas.core.frame', kind: 'class', reason: 'DataFrame: NDFrame.__setstate__ only stores the block manager and attrs', names: ['DataFrame'] },
  { module: 'pandas.core.series', kind: 'class', reason: 'Series: NDFrame.__setstate__ only stores the block manager and attrs', names: ['Series'] },
  { module: 'pandas.core.internals.managers', kind: 'class', reason: 'block manager: __setstate__ rebuilds blocks from arrays and slices', names: ['BlockManager', 'SingleBlockManager'] },
  { module: 'pandas.core.indexes.base', kind: 'function', reason: '_new_Index(cls, d) = cls.__new__(cls, **d); cls is itself a checked import', names: ['_new_Index'] },
  { module: 'pandas.core.indexes.base', kind: 'class', reason: 'Index: array of labels', names: ['Index'] },
  { module: 'pandas.core.indexes.range', kind: 'class', reason: 'RangeIndex: start/stop/step integers (lazy, nothing materialised)', names: ['RangeIndex'] },
  { module: 'xgboost.core', kind: 'class', reason: 'Booster: __setstate__ hands the raw model bytes to XGBoosterUnserializeFromBuffer (a model parser, no Python code)', names: ['Booster'] },
  { module: 'xgboost.sklearn', kind: 'class', reason: R_WRAPPER, names: ['XGBClassifier', 'XGBRegressor'] },
  { module: 'lightgbm.basic', kind: 'class', reason: 'Booster: __setstate__ parses the model string with LGBM_BoosterLoadModelFromString (no Python code)', names: ['Booster'] },
  { module: 'lightgbm.sklearn', kind: 'class', reason: R_WRAPPER, names: ['LGBMClassifier', 'LGBMRegressor'] },
  { module: 'pathlib', kind: 'class', reason: 'path value; constructing one touches no file', names: ['PosixPath', 'WindowsPath', 'PurePosixPath', 'PureWindowsPath'] },
  ...sklearnGroups(),
];

/** scikit-learn 1.x: the classes its common estimators and pipelines pickle (module = where the class is defined). */
function sklearnGroups(): Group[] {
  const est = (module: string, names: string[]): Group => ({ module, kind: 'class', reason: R_ESTIMATOR, names });
  const cy = (module: string, names: string[]): Group => ({ module, kind: 'class', reason: R_CYTHON_STATE, names });
  return [
    est('sklearn.linear_model._logistic', ['LogisticRegression']),
    est('sklearn.linear_model._base', ['LinearRegression']),
    est('sklearn.linear_model._ridge', ['Ridge', 'RidgeClassifier']),
    est('sklearn.linear_model._coordinate_descent', ['Lasso', 'ElasticNet']),
    est('sklearn.linear_model._stochastic_gradient', ['SGDClassifier', 'SGDRegressor']),
    est('sklearn.tree._classes', ['DecisionTreeClassifier', 'DecisionTreeRegressor', 'ExtraTreeClassifier', 'ExtraTreeRegressor']),
    cy('sklearn.tree._tree', ['Tree']),
    est('sklearn.ensemble._forest', ['RandomForestClassifier', 'RandomForestRegressor', 'ExtraTreesClassifier', 'ExtraTreesRegressor']),
    est('sklearn.ensemble._gb', ['GradientBoostingClassifier', 'GradientBoostingRegressor']),
    est('sklearn.ensemble._weight_boosting', ['AdaBoostClassifier']),
    est('sklearn.preprocessing._data', ['StandardScaler', 'MinMaxScaler', 'RobustScaler', 'MaxAbsScaler', 'Normalizer']),
    est('sklearn.preprocessing._encoders', ['OneHotEncoder', 'OrdinalEncoder']),
    est('sklearn.preprocessing._label', ['LabelEncoder', 'LabelBinarizer']),
    est('sklearn.impute._base', ['SimpleImputer']),
    est('sklearn.pipeline', ['Pipeline', 'FeatureUnion']),
    est('sklearn.compose._column_transformer', ['ColumnTransformer']),
    est('sklearn.decomposition._pca', ['PCA']),
    est('sklearn.feature_extraction.text', ['CountVectorizer', 'TfidfVectorizer', 'TfidfTransformer']),
    est('sklearn.svm._classes', ['SVC', 'SVR', 'LinearSVC']),
    est('sklearn.neighbors._classification', ['KNeighborsClassifier']),
    est('sklearn.naive_bayes', ['GaussianNB', 'MultinomialNB']),
    est('sklearn.cluster._kmeans', ['KMeans']),
    est('sklearn.dummy', ['DummyClassifier']),
    cy('sklearn._loss.loss', ['HalfBinomialLoss', 'HalfSquaredError', 'HalfMultinomialLoss']),
    cy('sklearn._loss.link', ['LogitLink', 'IdentityLink', 'MultinomialLogit', 'Interval']),
    { module: 'sklearn._loss._loss', kind: 'function', reason: R_CYTHON_STATE, names: [
      '__pyx_unpickle_CyHalfBinomialLoss', '__pyx_unpickle_CyHalfSquaredError', '__pyx_unpickle_CyHalfMultinomialLoss'] },
  ];
}

export const ALLOWED_CALLABLES: readonly AllowedCallable[] = GROUPS.flatMap((g) =>
  g.names.map((name) => ({ module: g.module, name, kind: g.kind, reason: g.reason })),
);

const byKey = new Map(ALLOWED_CALLABLES.map((c) => [`${c.module}\u0000${c.name}`, c]));

/** Python 2 spellings emitted by protocol 0-2 pickles for the same modules. */
const PY2_ALIASES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

/** The reviewed entry for an exact import, if any. A dotted name (`A.b`) is never implied by `A`. */
export function allowedEntry(module: string, name: string): AllowedCallable | undefined {
  return byKey.get(`${PY2_ALIASES[module] ?? module}\u0000${name}`);
}

export function isBuiltinSafe(module: string, name: string): boolean {
  return allowedEntry(module, name) !== undefined;
}
