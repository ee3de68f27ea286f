"""A minimal HDF5 writer for the root-group attributes Keras stores (h5py is not installed here).

Layout per the HDF5 1.14 File Format Specification: superblock version 0 (II.A, 8-byte offsets/lengths),
root symbol-table entry, version-1 object header (IV.A.1) holding compact attribute messages (IV.A.2.m,
version 1) and a global heap collection (III.E) for variable-length strings. What h5py 3.x stores for
`f.attrs[k] = v`: `bytes` -> fixed-length ASCII string (H5T_STRING, NULLTERM); `str` -> variable-length UTF-8
string (heap reference). The group's B-tree/local heap (links to child groups) are omitted: no reader of
root attributes follows them. `userblock` reproduces `h5py.File(..., userblock_size=N)`: the superblock at N,
addresses relative to it (spec II.A "base address"), and the first N bytes free for the user.
"""
import struct

UNDEF = b'\xff' * 8


def _pad8(b):
    return b + b'\0' * (-len(b) % 8)


def _fixed_string_type(n):
    return bytes([0x13, 0x00, 0x00, 0x00]) + struct.pack('<I', n)


def _vlen_string_type():
    # class 9 (variable-length), version 1; type = string (1), charset UTF-8; base type: 1-byte string.
    return bytes([0x19, 0x01, 0x01, 0x00]) + struct.pack('<I', 16) + bytes([0x13, 0x10, 0x00, 0x00]) + struct.pack('<I', 1)


SCALAR = bytes([1, 0, 0, 0, 0, 0, 0, 0])  # dataspace v1, rank 0


def _attribute(name, dtype, data):
    nm = name.encode() + b'\0'
    body = struct.pack('<BBHHH', 1, 0, len(nm), len(dtype), len(SCALAR)) + _pad8(nm) + _pad8(dtype) + _pad8(SCALAR) + data
    return _pad8(body)


def h5_file(attrs, userblock=b''):
    """attrs: list of (name, value) with value bytes (fixed string) or str (vlen string)."""
    ub = len(userblock)
    if ub and (ub < 512 or ub & (ub - 1)):
        raise ValueError('HDF5 user blocks are 0 or a power of two >= 512 bytes')
    header_at = 96  # relative to the superblock
    heap_objects = [v.encode() for _, v in attrs if isinstance(v, str)]
    msgs = []
    heap_index = 0
    heap_at_placeholder = b'HEAPADDR'
    for name, v in attrs:
        if isinstance(v, bytes):
            msgs.append(_attribute(name, _fixed_string_type(len(v)), v))
        else:
            heap_index += 1
            ref = struct.pack('<I', len(v.encode())) + heap_at_placeholder + struct.pack('<I', heap_index)
            msgs.append(_attribute(name, _vlen_string_type(), ref))
    block = b''.join(struct.pack('<HHB3x', 0x0C, len(m), 0) + m for m in msgs)
    ohdr = struct.pack('<BBHII4x', 1, 0, len(msgs), 1, len(block)) + block
    heap_at = header_at + len(ohdr)
    heap_at += -heap_at % 8
    block = block.replace(heap_at_placeholder, struct.pack('<Q', heap_at))
    ohdr = struct.pack('<BBHII4x', 1, 0, len(msgs), 1, len(block)) + block
    objs = b''.join(struct.pack('<HH4xQ', i + 1, 1, len(o)) + _pad8(o) for i, o in enumerate(heap_objects))
    size = max(4096, 16 + len(objs) + 16)
    heap = b'GCOL' + bytes([1, 0, 0, 0]) + struct.pack('<Q', size) + objs
    heap += struct.pack('<HH4xQ', 0, 0, size - len(heap) - 16) if size - len(heap) >= 16 else b''
    heap += b'\0' * (size - len(heap))
    eof = heap_at + len(heap)
    sb = b'\x89HDF\r\n\x1a\n' + bytes([0, 0, 0, 0, 0, 8, 8, 0]) + struct.pack('<HHI', 4, 16, 0)
    sb += struct.pack('<Q', 0) + UNDEF + struct.pack('<Q', eof) + UNDEF
    sb += struct.pack('<QQII', 0, header_at, 0, 0) + b'\0' * 16  # root symbol-table entry
    assert len(sb) == header_at
    body = sb + ohdr + b'\0' * (heap_at - header_at - len(ohdr)) + heap
    return userblock + body
