"""Class 6 of issue 16: real-world benign files that must scan clean.

numpy arrays, dtypes, datetimes and zoneinfo objects are the real objects of this machine (CPython 3.11.7,
numpy 2.4.6). scikit-learn / pandas / xgboost are stubs with the real module paths and the real state shape
(`BaseEstimator.__getstate__` adds `_sklearn_version`; sklearn/tree/_tree.pyx `Tree.__reduce__`; pandas 2.x
`NDFrame.__getstate__`/`BlockManager.__getstate__`/`Index.__reduce__`; xgboost 2.x `Booster.__getstate__`).
The joblib writer reproduces joblib 1.4 `NumpyPickler.save` + `NumpyArrayWrapper.write_array` on CPython's
pure-Python pickler, which is the pickler joblib itself subclasses.
"""
import copyreg
import datetime
import io
import pickle
import zoneinfo

import numpy as np

from common import dumps, stub_class, stub_function

VERSION = '1.5.2'


class _Estimator:
    def __getstate__(self):  # sklearn/base.py BaseEstimator.__getstate__
        state = dict(self.__dict__)
        state['_sklearn_version'] = VERSION
        return state


def est(module, name, **attrs):
    cls = stub_class(module, name, _Estimator)
    obj = cls.__new__(cls)
    obj.__dict__.update(attrs)
    return obj


NODE_DTYPE = np.dtype({'names': ['left_child', 'right_child', 'feature', 'threshold', 'impurity', 'n_node_samples',
                                 'weighted_n_node_samples', 'missing_go_to_left'],
                       'formats': ['<i8', '<i8', '<i8', '<f8', '<f8', '<i8', '<f8', 'u1'], 'itemsize': 64})


class _TreeBase:
    def __reduce__(self):  # sklearn/tree/_tree.pyx Tree.__reduce__ (sklearn 1.3+)
        return (type(self), (4, np.array([2], dtype=np.intp), 1), self.state)


def tree(seed):
    tree_cls = stub_class('sklearn.tree._tree', 'Tree', _TreeBase)
    t = tree_cls.__new__(tree_cls)
    nodes = np.zeros(3, dtype=NODE_DTYPE)
    nodes['left_child'] = [1, -1, -1]
    nodes['right_child'] = [2, -1, -1]
    nodes['threshold'] = [0.5 + seed, -2, -2]
    t.state = {'max_depth': 1, 'node_count': 3, 'nodes': nodes, 'values': np.ones((3, 1, 2))}
    dt = est('sklearn.tree._classes', 'DecisionTreeClassifier', criterion='gini', max_depth=None, random_state=seed,
             n_features_in_=4, n_outputs_=1, classes_=np.array([0, 1]), tree_=t)
    return dt


def pipeline():
    scaler = est('sklearn.preprocessing._data', 'StandardScaler', with_mean=True, mean_=np.arange(4.0), scale_=np.ones(4),
                 var_=np.ones(4), n_samples_seen_=np.int64(150), n_features_in_=4)
    clf = est('sklearn.linear_model._logistic', 'LogisticRegression', C=1.0, solver='lbfgs', classes_=np.array([0, 1]),
              coef_=np.ones((1, 4)), intercept_=np.zeros(1), n_iter_=np.array([12], dtype=np.int32))
    return est('sklearn.pipeline', 'Pipeline', steps=[('scaler', scaler), ('clf', clf)], memory=None, verbose=False)


def numpy1_pickle(obj):
    """numpy 1.x spells the reconstructors under numpy.core (numpy/core/src/multiarray/methods.c array_reduce)."""
    recon = stub_function('numpy.core.multiarray', '_reconstruct')
    scalar = stub_function('numpy.core.multiarray', 'scalar')

    def reduce_array(a):
        return recon, (np.ndarray, (0,), b'b'), (1, a.shape, a.dtype, bool(a.flags.f_contiguous and not a.flags.c_contiguous), a.tobytes())

    def reduce_scalar(x):
        return scalar, (x.dtype, x.tobytes())
    table = copyreg.dispatch_table.copy()
    table[np.ndarray] = reduce_array
    for t in (np.int64, np.float64, np.int32):
        table[t] = reduce_scalar
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=2)  # joblib/pickle default under Python 2-era numpy 1 stacks; numpy 1.26 + py3.8+ write 4
    p.dispatch_table = table
    p.dump(obj)
    return buf.getvalue()


class JoblibPickler(pickle._Pickler):
    """joblib 1.4 numpy_pickle.NumpyPickler on the pure-Python pickler (protocol = pickle.DEFAULT_PROTOCOL)."""
    wrapper_cls = None

    def __init__(self, fp, protocol):
        self.file_handle = fp
        pickle._Pickler.__init__(self, fp, protocol=protocol)

    def save(self, obj, save_persistent_id=True):
        if type(obj) is np.ndarray and not obj.dtype.hasobject:
            w = self.wrapper_cls.__new__(self.wrapper_cls)
            w.__dict__.update(subclass=np.ndarray, shape=obj.shape, order='C', dtype=obj.dtype, allow_mmap=True,
                              numpy_array_alignment_bytes=16)
            pickle._Pickler.save(self, w)
            self.framer.commit_frame(force=True)
            pos = self.file_handle.tell() + 1
            pad = 16 - (pos % 16)
            self.file_handle.write(bytes([pad]) + b'\xff' * pad + np.ascontiguousarray(obj).tobytes('C'))
            return
        return pickle._Pickler.save(self, obj, save_persistent_id)


def joblib_dump(obj):
    JoblibPickler.wrapper_cls = stub_class('joblib.numpy_pickle', 'NumpyArrayWrapper')
    buf = io.BytesIO()
    JoblibPickler(buf, protocol=pickle.DEFAULT_PROTOCOL).dump(obj)
    return buf.getvalue()


def dataframe():
    """pandas 2.x DataFrame({'a': [1., 2., 3.], 'b': ['x', 'y', 'z']}) state shape."""
    idx_new = stub_function('pandas.core.indexes.base', '_new_Index')
    index_cls = stub_class('pandas.core.indexes.base', 'Index')
    range_cls = stub_class('pandas.core.indexes.range', 'RangeIndex')

    class Ix:
        def __init__(self, cls, d):
            self.cls, self.d = cls, d

        def __reduce__(self):  # pandas/core/indexes/base.py Index.__reduce__
            return idx_new, (self.cls, self.d), None
    columns = Ix(index_cls, {'data': np.array(['a', 'b'], dtype=object), 'name': None})
    rows = Ix(range_cls, {'name': None, 'start': 0, 'stop': 3, 'step': 1})
    mgr_cls = stub_class('pandas.core.internals.managers', 'BlockManager', attrs={'__getstate__': lambda self: self.state})
    mgr = mgr_cls.__new__(mgr_cls)
    blocks = [np.array([[1.0, 2.0, 3.0]]), np.array([['x', 'y', 'z']], dtype=object)]
    mgr.state = ([columns, rows], blocks, [columns, columns],
                 {'0.14.1': {'axes': [columns, rows], 'blocks': [{'values': blocks[0], 'mgr_locs': slice(0, 1, 1)},
                                                                 {'values': blocks[1], 'mgr_locs': slice(1, 2, 1)}]}})
    df_cls = stub_class('pandas.core.frame', 'DataFrame', attrs={'__getstate__': lambda self: self.state})
    df = df_cls.__new__(df_cls)
    df.state = {'_mgr': mgr, '_typ': 'dataframe', '_metadata': [], 'attrs': {}, '_flags': {'allows_duplicate_labels': True}}
    return df


def xgb_classifier():
    booster_cls = stub_class('xgboost.core', 'Booster', attrs={'__getstate__': lambda self: self.state})
    booster = booster_cls.__new__(booster_cls)
    booster.state = {'handle': bytearray(b'{L\x00\x00\x00\x00\x00\x00\x00\x07learner{...}}'), 'feature_names': None, 'feature_types': None}
    return est('xgboost.sklearn', 'XGBClassifier', n_estimators=10, max_depth=3, objective='binary:logistic',
               _Booster=booster, n_classes_=2, classes_=np.array([0, 1]))


def generate(corpus):
    w = lambda f, d, note: corpus.write(6, f, d, 'clean', None, note)  # noqa: E731
    w('sklearn_pipeline_numpy2.pkl', dumps(pipeline()), 'pickle.dump(Pipeline(StandardScaler, LogisticRegression)) under numpy 2.4.6: numpy._core.multiarray._reconstruct')
    w('sklearn_pipeline_numpy1.pkl', numpy1_pickle(pipeline()), 'the same pipeline as numpy 1.x pickles it: numpy.core.multiarray._reconstruct/scalar, protocol 2')
    w('forest_structured.joblib', joblib_dump(est('sklearn.ensemble._forest', 'RandomForestClassifier', n_estimators=2,
      estimator=est('sklearn.tree._classes', 'DecisionTreeClassifier', criterion='gini'), estimators_=[tree(0), tree(1)],
      classes_=np.array([0, 1]), n_classes_=2, n_outputs_=1, n_features_in_=4)),
      'joblib.dump(RandomForestClassifier): Tree nodes are a structured-dtype array (sklearn NODE_DTYPE, 64-byte records) written raw after NumpyArrayWrapper')
    w('datetimes_tz.pkl', dumps([datetime.datetime(2024, 5, 1, 12, tzinfo=zoneinfo.ZoneInfo('Europe/Paris')),
      datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=-5), 'EST')), datetime.date(2024, 2, 29)]),
      'CPython 3.11 pickles zoneinfo datetimes via builtins.getattr(zoneinfo.ZoneInfo, "_unpickle") (method_reduce)')
    w('numpy_structured.pkl', dumps(np.zeros(3, dtype=[('x', '<f4'), ('y', '<i4'), ('name', '<U8')])),
      'pickle.dumps of a numpy 2.4.6 structured array: dtype state carries names and fields')
    w('pandas_dataframe.pkl', dumps(dataframe()), 'pandas 2.x DataFrame: NEWOBJ DataFrame + BUILD {_mgr: BlockManager(...)}, Index via _new_Index')
    w('xgboost_classifier.pkl', dumps(xgb_classifier()), 'pickle of xgboost 2.x XGBClassifier: Booster.__getstate__ turns the handle into raw model bytes (bytearray)')
