#!/usr/bin/env python3
"""Generates the large BENIGN benchmark inputs (stdlib only, streamed to disk, nothing is loaded):
  torch_1g.pt          PyTorch zip checkpoint: small data.pkl + ~1 GiB of stored tensor records
  model_1g.safetensors safetensors with ~1 GiB of tensor data
  objects_200m.pkl     one protocol-4 pickle of ~200 MB made of many small dicts (worst case for a pickle VM)
Usage: make_files.py OUT_DIR [SCALE]   (SCALE multiplies every size; default 1.0)"""
import json
import os
import struct
import sys
import zipfile

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'fixtures', 'scanner'))
from builders import state_dict_pickle  # noqa: E402

OUT = sys.argv[1]
SCALE = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
MB = 1 << 20
CHUNK = bytes(range(256)) * 4096  # 1 MiB of non-zero bytes


def torch_zip(path, total):
    n = 16
    per = total // n
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr('archive/data.pkl', state_dict_pickle(n))
        z.writestr('archive/byteorder', 'little')
        for i in range(n):
            with z.open('archive/data/%d' % i, 'w', force_zip64=True) as f:
                left = per
                while left > 0:
                    f.write(CHUNK[:min(left, len(CHUNK))])
                    left -= len(CHUNK)
        z.writestr('archive/version', '3\n')


def safetensors(path, total):
    n = 8
    per = total // n // 4 * 4
    header = {'__metadata__': {'format': 'pt'}}
    for i in range(n):
        header['layer%d.weight' % i] = {'dtype': 'F32', 'shape': [per // 4], 'data_offsets': [i * per, (i + 1) * per]}
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h)
        left = per * n
        while left > 0:
            f.write(CHUNK[:min(left, len(CHUNK))])
            left -= len(CHUNK)


def many_objects(path, total):
    """[{'id': i, 'name': 'item-i', 'score': 0.5}, ...] written opcode by opcode in APPENDS batches of 1000,
    exactly as pickle.dumps(protocol=4) would (keys memoized once, then fetched with BINGET), without having
    to hold the list in memory."""
    with open(path, 'wb') as f:
        f.write(b'\x80\x04]\x94')
        i = 0
        written = 4
        while written < total:
            batch = bytearray(b'(')
            for _ in range(1000):
                name = ('item-%d' % i).encode()
                if i == 0:
                    keys = [b'\x8c\x02id\x94', b'\x8c\x04name\x94', b'\x8c\x05score\x94']
                else:
                    keys = [b'h\x02', b'h\x03', b'h\x05']
                batch += b'}\x94(' + keys[0] + b'J' + struct.pack('<i', i & 0x7fffffff)
                batch += keys[1] + b'\x8c' + bytes([len(name)]) + name + b'\x94'
                batch += keys[2] + b'G' + struct.pack('>d', 0.5) + b'u'
                i += 1
            batch += b'e'
            f.write(batch)
            written += len(batch)
        f.write(b'.')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    jobs = [('torch_1g.pt', torch_zip, 1024), ('model_1g.safetensors', safetensors, 1024), ('objects_200m.pkl', many_objects, 200)]
    for name, fn, size in jobs:
        p = os.path.join(OUT, name)
        want = int(size * MB * SCALE)
        if os.path.exists(p) and abs(os.path.getsize(p) - want) < want * 0.05:
            continue
        fn(p, want)
        print('wrote %s (%d bytes)' % (p, os.path.getsize(p)), file=sys.stderr)
