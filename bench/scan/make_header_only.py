#!/usr/bin/env python3
"""Writes 1 GiB header-only-format files as SPARSE files (valid headers, tensor data left as a hole), so the
benchmark costs no disk and no write time. Stdlib only.
  ho_torch_1g.pt          PyTorch zip: data.pkl + 16 stored 64 MiB tensor records (zip64), CRCs of the zeros
  ho_model_1g.safetensors safetensors header, 8 x 128 MiB F32 tensors
  ho_model_1g.gguf        GGUF v3: a few metadata keys (ChatML template), 8 x 128 MiB F32 tensors
Usage: make_header_only.py OUT_DIR [SIZE_MIB]"""
import json
import os
import struct
import sys
import zipfile
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'fixtures', 'scanner'))
from builders import state_dict_pickle  # noqa: E402

OUT = sys.argv[1]
SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
MB = 1 << 20
ZEROS = bytes(MB)


class SparseWriter:
    """File object for zipfile that turns all-zero writes into seeks (holes)."""

    def __init__(self, path):
        self.f = open(path, 'wb')

    def write(self, b):
        if len(b) >= 4096 and b.count(0) == len(b):
            self.f.seek(len(b), 1)
        else:
            self.f.write(b)
        return len(b)

    def tell(self):
        return self.f.tell()

    def seek(self, *a):
        return self.f.seek(*a)

    def seekable(self):
        return True

    def flush(self):
        self.f.flush()

    def close(self):
        self.f.truncate()
        self.f.close()


def torch_zip(path, total):
    n = 16
    per = total // n
    w = SparseWriter(path)
    with zipfile.ZipFile(w, 'w', zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr('archive/data.pkl', state_dict_pickle(n))
        z.writestr('archive/byteorder', 'little')
        for i in range(n):
            with z.open('archive/data/%d' % i, 'w', force_zip64=True) as f:
                for _ in range(per // MB):
                    f.write(ZEROS)
        z.writestr('archive/version', '3\n')
    w.close()


def safetensors(path, total):
    n = 8
    per = total // n
    header = {'__metadata__': {'format': 'pt'}}
    for i in range(n):
        header['layer%d.weight' % i] = {'dtype': 'F32', 'shape': [per // 4], 'data_offsets': [i * per, (i + 1) * per]}
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h)
        f.truncate(8 + len(h) + per * n)


def gguf_str(s):
    b = s.encode()
    return struct.pack('<Q', len(b)) + b


def gguf(path, total):
    n = 8
    per = total // n
    template = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
                "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
    kv = [('general.architecture', 8, gguf_str('llama')), ('general.name', 8, gguf_str('bench')),
          ('general.alignment', 4, struct.pack('<I', 32)), ('tokenizer.chat_template', 8, gguf_str(template))]
    out = bytearray(b'GGUF' + struct.pack('<IQQ', 3, n, len(kv)))
    for key, t, val in kv:
        out += gguf_str(key) + struct.pack('<I', t) + val
    for i in range(n):
        out += gguf_str('blk.%d.weight' % i) + struct.pack('<I', 1) + struct.pack('<Q', per // 4)
        out += struct.pack('<IQ', 0, i * per)  # type F32, offset within the data section
    out += bytes((32 - len(out) % 32) % 32)
    with open(path, 'wb') as f:
        f.write(out)
        f.truncate(len(out) + per * n)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    total = SIZE * MB
    for name, fn in (('ho_torch_1g.pt', torch_zip), ('ho_model_1g.safetensors', safetensors), ('ho_model_1g.gguf', gguf)):
        p = os.path.join(OUT, name)
        if not os.path.exists(p) or os.path.getsize(p) < total:
            fn(p, total)
        print('%s %d bytes, %d allocated' % (p, os.path.getsize(p), os.stat(p).st_blocks * 512), file=sys.stderr)
