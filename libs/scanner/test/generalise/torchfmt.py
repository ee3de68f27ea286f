"""Byte-exact writers for PyTorch's two pre-zip checkpoint layouts (torch is not installed here).

Legacy stream: torch/serialization.py `_legacy_save` (torch 1.6-2.5, `_use_new_zipfile_serialization=False`):
pickle(MAGIC_NUMBER), pickle(PROTOCOL_VERSION=1001), pickle(sys_info), the object pickled with
`persistent_id` -> ('storage', torch.<T>Storage, key, location, numel, None), pickle(sorted storage keys), then per
key `UntypedStorage._write_file`: int64 numel + raw bytes. `_legacy_load` unpickles those five pickles in order.
Tar: torch 0.1.x `_save` (tarfile PAX_FORMAT, members sys_info, pickle, tensors, storages) as torch 2.x
`legacy_load` still reads it: storages = pickle(count), per storage pickle((key, location, storage_type)) + int64
numel + bytes, then pickle(storage_views); tensors = pickle(count), per tensor pickle((key, storage_id, type)) +
int32 ndim + 4 pad + sizes + strides + int64 offset; pickle = the object with persistent ids str(id).
"""
import collections
import io
import pickle
import struct
import sys
import tarfile

from common import stub_class, stub_function

MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001
SYS_INFO = {'protocol_version': PROTOCOL_VERSION, 'little_endian': sys.byteorder == 'little',
            'type_sizes': {'short': 2, 'int': 4, 'long': 4}}

FloatStorage = stub_class('torch', 'FloatStorage')
FloatTensor = stub_class('torch', 'FloatTensor')
rebuild_tensor_v2 = stub_function('torch._utils', '_rebuild_tensor_v2')


class Storage:
    def __init__(self, key, values):
        self.key, self.values = key, list(values)


class Tensor:
    """Pickles like torch.Tensor.__reduce_ex__ (torch/_tensor.py `_reduce_ex_internal`, CPU dense tensor)."""
    def __init__(self, storage, shape):
        self.storage, self.shape = storage, shape

    def __reduce_ex__(self, proto):
        stride, acc = [], 1
        for d in reversed(self.shape):
            stride.insert(0, acc)
            acc *= d
        return rebuild_tensor_v2, (self.storage, 0, tuple(self.shape), tuple(stride), False, collections.OrderedDict())


def tensor(key, *shape):
    n = 1
    for d in shape:
        n *= d
    return Tensor(Storage(key, [0.5] * n), shape)


def legacy_save(obj, protocol=2, override=None):
    """`override` maps a stream index (0..4) to replacement pickle bytes (the attacker's choice of stream)."""
    override = override or {}
    storages = {}

    class P(pickle.Pickler):
        def persistent_id(self, o):
            if isinstance(o, Storage):
                storages[o.key] = o
                return ('storage', FloatStorage, o.key, 'cpu', len(o.values), None)
            return None
    body = io.BytesIO()
    P(body, protocol=protocol).dump(obj)
    keys = sorted(storages)
    streams = [pickle.dumps(MAGIC_NUMBER, protocol), pickle.dumps(PROTOCOL_VERSION, protocol),
               pickle.dumps(SYS_INFO, protocol), body.getvalue(), pickle.dumps(keys, protocol)]
    out = b''.join(override.get(i, s) for i, s in enumerate(streams))
    for k in keys:
        vals = storages[k].values
        out += struct.pack('<q', len(vals)) + struct.pack('<%df' % len(vals), *vals)
    return out


def tar_save(obj, protocol=2, override=None, extra=()):
    """torch 0.1.x tar checkpoint; `override` maps a member name (or 'storage_views') to replacement pickle bytes."""
    override = override or {}
    tensors, storages = {}, {}

    class P(pickle.Pickler):
        def persistent_id(self, o):
            if isinstance(o, Tensor):
                tensors[str(id(o))] = o
                storages[str(id(o.storage))] = o.storage
                return str(id(o))
            return None
    body = io.BytesIO()
    P(body, protocol=protocol).dump(obj)
    st = pickle.dumps(len(storages), protocol)
    for key, s in storages.items():
        st += pickle.dumps((key, 'cpu', FloatStorage), protocol)
        st += struct.pack('<q', len(s.values)) + struct.pack('<%df' % len(s.values), *s.values)
    st += override.get('storage_views', pickle.dumps([], protocol))
    te = pickle.dumps(len(tensors), protocol)
    for key, t in tensors.items():
        te += override.get('tensor_record', pickle.dumps((key, str(id(t.storage)), FloatTensor), protocol))
        n = len(t.shape)
        te += struct.pack('<i', n) + b'\0' * 4 + struct.pack('<%dq' % n, *t.shape) + struct.pack('<%dq' % n, *([1] * n)) + struct.pack('<q', 0)
    members = [('sys_info', pickle.dumps(SYS_INFO, protocol)), ('pickle', body.getvalue()), ('tensors', te), ('storages', st)]
    members = [(n, override.get(n, d)) for n, d in members] + list(extra)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:', format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1500000000
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def state_dict(prefix='', layers=2):
    sd = collections.OrderedDict()
    for i in range(layers):
        sd['%slayers.%d.weight' % (prefix, i)] = tensor('%d' % (2 * i), 4, 4)
        sd['%slayers.%d.bias' % (prefix, i)] = tensor('%d' % (2 * i + 1), 4)
    return sd


def zip_save(obj, protocol=2, archive='archive'):
    """torch.save's default zip layout (torch 2.5 `_save`): data.pkl with persistent ids
    ('storage', torch.<T>Storage, key, location, numel), data/<key> raw bytes, version, byteorder."""
    import zipfile
    storages, id_map = {}, {}

    class P(pickle.Pickler):
        def persistent_id(self, o):
            if isinstance(o, Storage):
                key = id_map.setdefault(id(o), str(len(id_map)))  # torch 2.5 _save: keys in first-use order
                storages[key] = o
                return ('storage', FloatStorage, key, 'cpu', len(o.values))
            return None
    body = io.BytesIO()
    P(body, protocol=protocol).dump(obj)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:
        z.writestr(archive + '/data.pkl', body.getvalue())
        z.writestr(archive + '/byteorder', b'little')
        for k, s in storages.items():
            z.writestr(archive + '/data/' + k, struct.pack('<%df' % len(s.values), *s.values))
        z.writestr(archive + '/version', b'3\n')
        z.writestr(archive + '/.data/serialization_id', b'1234567890123456789012345678901234567890')
    return buf.getvalue()
