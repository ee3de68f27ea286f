"""Class 7 of issue 16: files no real loader reads must be unscannable, never clean or only a warning.

Arrays are written by the numpy installed here (numpy 2.4.6: `np.save`, `np.savez`), pickles by CPython 3.11's
pickler, then one field is broken the way a truncated upload or a tampered member would be.
"""
import io
import struct
import zipfile

import numpy as np

from common import P, dumps, zip_bytes


def _npy(array):
    b = io.BytesIO()
    np.save(b, array)
    return b.getvalue()


def _npz(**arrays):
    b = io.BytesIO()
    np.savez(b, **arrays)
    return b.getvalue()


def _flip_in_member(zip_data, member_magic, delta):
    """Flips one byte of a stored member's data: the central directory CRC no longer matches."""
    b = bytearray(zip_data)
    i = b.find(member_magic)
    b[i + delta] ^= 0xFF
    return bytes(b)


def _memo_miss():
    data = bytearray(dumps(['w', 'w'], protocol=2))  # b'\x80\x02]q\x00(X\x01\x00\x00\x00wq\x01h\x01e.'
    i = data.rfind(b'h\x01')
    data[i + 1] = 9  # BINGET 9: never written
    return bytes(data)


def _joblib_short():
    """joblib 1.4 NumpyPickler layout (wrapper, BUILD, pad byte, raw float64 data) cut inside the array data."""
    p = P(4)
    p.op('}').ustr('coef')
    p.glob('joblib.numpy_pickle', 'NumpyArrayWrapper').op(')').op(0x81)
    p.op('}').mark()
    p.ustr('subclass').glob('numpy', 'ndarray')
    p.ustr('shape').int_(512).tuple1()
    p.ustr('order').ustr('C')
    p.ustr('dtype').glob('numpy', 'dtype').ustr('f8').op(0x89).op(0x88).tuple3().reduce()
    p.mark().int_(3).ustr('<').op('N').op('N').op('N').raw(b'J\xff\xff\xff\xff').raw(b'J\xff\xff\xff\xff').int_(0).op('t').op('b')
    p.ustr('allow_mmap').op(0x88).ustr('numpy_array_alignment_bytes').int_(16)
    p.op('u').op('b')
    pad = 16 - ((len(p.b) + 1) % 16)
    p.raw(bytes([pad]) + b'\xff' * pad)
    p.raw(struct.pack('<8d', *range(8)))  # 64 of the 4096 bytes the header promises
    return p.done()


def _torch_zip_bad_crc():
    """torch.save layout (archive/data.pkl, data/0, version) with the benign data.pkl altered after zipping."""
    pkl = dumps({'step': 1000, 'lr': 0.001}, protocol=2)
    z = zip_bytes({'archive/data.pkl': pkl, 'archive/byteorder': b'little', 'archive/version': b'3\n'})
    return _flip_in_member(z, pkl, len(pkl) - 3)


def _pickle_long_binget_miss():
    """A protocol-4 dict written by CPython (MEMOIZE, no explicit indices) whose LONG_BINGET names index 70000."""
    p = P(4).op('}').memoize().ustr('k').memoize().raw(b'j' + struct.pack('<I', 70000)).op('s')
    return p.stop().done()


def generate(corpus):
    w = lambda f, d, rule, note: corpus.write(7, f, d, 'unscannable', rule, note)  # noqa: E731
    w('memo_never_written.pkl', _memo_miss(), 'pickle.malformed',
      'CPython 3.11 Modules/_pickle.c load_binget: "Memo value not found at index 9" (UnpicklingError)')
    w('memo_long_binget_miss.pkl', _pickle_long_binget_miss(), 'pickle.malformed',
      'CPython 3.11 _pickle.c load_long_binget raises on an index never PUT/MEMOIZEd')
    full = _npy(np.arange(1000, dtype=np.float32))
    w('npy_short_data.npy', full[:128 + 100], 'numpy.truncated',
      'numpy 2.4.6 lib/format.py read_array: "Failed to read all data for array. Expected (1000,) = 1000 elements"')
    w('npz_bad_crc.npz', _flip_in_member(_npz(w=np.arange(16.0)), b'\x93NUMPY', 200), 'zip.crc-mismatch',
      'np.load(npz)["w"] -> zipfile.ZipExtFile._update_crc: BadZipFile "Bad CRC-32 for file \'w.npy\'" (Python 3.11)')
    w('torch_zip_bad_crc.pt', _torch_zip_bad_crc(), 'zip.crc-mismatch',
      'Python zipfile raises BadZipFile, torch 2.x PyTorchFileReader (miniz) skips the CRC: the loaders disagree (CVE-2025-10156)')
    w('joblib_short_array.joblib', _joblib_short(), 'pickle.malformed',
      'joblib 1.4 numpy_pickle_utils._read_bytes: "EOF: reading array data, expected 4096 bytes got 64"')
