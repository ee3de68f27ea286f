"""Shared pieces of the issue-16 corpus generators (stdlib + the numpy installed here; never unpickles).

Pickles are written by CPython's own `pickle` module wherever possible, so their opcodes, memo use and
framing are exactly what the real pickler writes. Libraries missing on this machine (scikit-learn, torch,
transformers, ...) are replaced by *stubs*: module objects registered in `sys.modules` under the real module
path, holding a class or function with the real `__module__`/`__qualname__` and the real `__reduce__`/state
shape. `pickle` only records those names, so the bytes match what the real library object pickles to; each
sample's note cites the library source it imitates.
"""
import io
import json
import os
import pickle
import sys
import types

ROOT = os.path.dirname(os.path.abspath(__file__))
# Reuse the opcode assembler of the existing corpus for hand-made opcode sequences.
sys.path.insert(0, os.path.join(ROOT, '..', '..', '..', '..', 'tests', 'fixtures', 'scanner'))
from asm import P  # noqa: E402,F401


class Corpus:
    def __init__(self, out):
        self.out = out
        self.entries = []

    def write(self, cls, file, data, expect, rule, note):
        path = os.path.join(self.out, 'class%d' % cls, file)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)
        self.entries.append({'file': 'class%d/%s' % (cls, file), 'cls': cls, 'expect': expect, 'rule': rule, 'note': note})

    def save(self):
        with open(os.path.join(self.out, 'manifest.json'), 'w') as f:
            json.dump(self.entries, f, indent=1)


def _module(path):
    """Registers (or returns) a stub module and its parents, e.g. 'sklearn.tree._classes'."""
    parts = path.split('.')
    for i in range(1, len(parts) + 1):
        name = '.'.join(parts[:i])
        if name not in sys.modules:
            mod = types.ModuleType(name)
            mod.__stub__ = True
            sys.modules[name] = mod
            if i > 1:
                setattr(sys.modules['.'.join(parts[:i - 1])], parts[i - 1], mod)
    return sys.modules[path]


def _stub_target(module, name):
    """The stub module to hold `name`; never overwrites a real module's attribute (use the real object then)."""
    mod = _module(module)
    if getattr(mod, '__stub__', False) and hasattr(mod, name):
        return None  # already stubbed: the caller reuses it (pickle checks identity)
    if hasattr(mod, name):
        raise RuntimeError('%s.%s exists here: pickle the real object instead of a stub' % (module, name))
    return mod


def stub_function(module, name):
    """A function that pickles as GLOBAL/STACK_GLOBAL `module name` (pickle looks it up by those names)."""
    def fn(*args, **kwargs):
        raise RuntimeError('stub: never called')
    fn.__module__ = module
    fn.__qualname__ = fn.__name__ = name
    target = _stub_target(module, name)
    if target is None:
        return getattr(sys.modules[module], name)
    setattr(target, name, fn)
    return fn


def stub_class(module, name, base=object, attrs=None):
    """A class defined 'in' `module`; instances pickle through object.__reduce_ex__ (NEWOBJ + BUILD of __dict__)."""
    ns = dict(attrs or {})
    ns['__module__'] = module
    ns['__qualname__'] = name
    target = _stub_target(module, name)
    if target is None:
        return getattr(sys.modules[module], name)
    cls = type(name, (base,), ns)
    setattr(target, name, cls)
    return cls


class Call:
    """An object whose pickle is `fn(*args)` (REDUCE), the shape every gadget payload takes."""
    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def dumps(obj, protocol=pickle.DEFAULT_PROTOCOL):
    return pickle.dumps(obj, protocol=protocol)


def zip_bytes(members, method=None):
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', method or zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()
