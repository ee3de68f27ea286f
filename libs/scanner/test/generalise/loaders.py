"""Class 4 of issue 16, pre-zip PyTorch and HDF5 containers: every place the real loader unpickles must be scanned.

Legacy stream and tar layouts: see torchfmt.py (torch/serialization.py `_legacy_load` / `legacy_load`, torch
2.5). HDF5 user block: see hdf5fmt.py; HDF5 finds its superblock at 0, 512, 1024, ... while `pickle.load`,
`torch.load` and `joblib.load` read the same file from byte 0, so the first N bytes can be a pickle.
"""
import builtins
import os
import runpy
import subprocess

import hdf5fmt
import torchfmt
from common import Call, dumps

KERAS2_CONFIG = b'{"class_name": "Sequential", "config": {"name": "seq", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 2}}]}}'


def payload(protocol=2, fn=os.system, arg='id'):
    return dumps(Call(fn, arg), protocol=protocol)


def _user_block(pkl, size):
    return pkl + b'\0' * (size - len(pkl))


def generate(corpus):
    _malicious(corpus)
    _benign(corpus)


def _malicious(corpus):
    w = lambda f, d, rule, note: corpus.write(4, f, d, 'malicious', rule, note)  # noqa: E731
    sd = torchfmt.state_dict
    # Legacy (non-zip) torch.save streams: _legacy_load unpickles magic, protocol, sys_info, object, storage keys.
    w('legacy_object.pt', torchfmt.legacy_save({'state_dict': sd(), 'exploit': Call(os.system, 'id')}), 'pickle.dangerous-global',
      'torch 2.5 _legacy_load: the 4th pickle (the saved object) is unpickled with persistent_load; payload beside a real state_dict')
    w('legacy_sys_info.pt', torchfmt.legacy_save(sd(), override={2: payload()}), 'pickle.dangerous-global',
      'torch 2.5 _legacy_load: `_sys_info = pickle_module.load(f)` (3rd pickle) runs before the object is read')
    w('legacy_storage_keys.pt', torchfmt.legacy_save(sd(), override={4: payload(fn=subprocess.Popen, arg=['id'])}), 'pickle.dangerous-global',
      'torch 2.5 _legacy_load: `deserialized_storage_keys = pickle_module.load(f)` (5th pickle) precedes the raw storages')
    w('legacy_proto4.pt', torchfmt.legacy_save({'model': sd(), 'exploit': Call(builtins.exec, 'import os')}, protocol=4), 'pickle.dangerous-global',
      'torch.save(pickle_protocol=4, _use_new_zipfile_serialization=False): framed pickles; the magic no longer starts 80 02 8a 0a')
    w('legacy_magic_slot.pt', torchfmt.legacy_save(sd(), override={0: payload(fn=builtins.eval, arg='1')}), 'pickle.dangerous-global',
      'torch 2.5 _legacy_load unpickles the first pickle before checking `magic_number != MAGIC_NUMBER`: the check comes too late')
    # PyTorch 0.1.x tar checkpoints (still read by torch 2.5 legacy_load when the file is a tar).
    w('tar_pickle_member.tar', torchfmt.tar_save({'model': sd(), 'x': Call(os.system, 'id')}), 'pickle.dangerous-global',
      'torch 2.5 legacy_load: tar member "pickle" is unpickled with persistent_load after the storages and tensors')
    w('tar_storage_views.tar', torchfmt.tar_save(sd(), override={'storage_views': payload()}), 'pickle.dangerous-global',
      'torch 2.5 legacy_load: `storage_views = pickle_module.load(f)` follows the raw storages in member "storages"')
    w('tar_tensor_record.tar', torchfmt.tar_save(sd(), override={'tensor_record': payload(fn=runpy._run_code, arg='x')}), 'pickle.dangerous-global',
      'torch 2.5 legacy_load: each tensor record `key, storage_id, original_tensor_type = pickle_module.load(f)` in member "tensors"')
    w('tar_storages_count.tar', torchfmt.tar_save(sd(), override={'storages': payload()}), 'pickle.dangerous-global',
      'torch 2.5 legacy_load: `num_storages = pickle_module.load(f)` is the first pickle of member "storages"')
    w('tar_duplicate_pickle.tar', torchfmt.tar_save(sd(), extra=[('pickle', payload())]), 'archive.duplicate-name',
      'tarfile.TarFile.getmember (CPython 3.11) returns the LAST member of a name: torch extracts the second "pickle"')
    # Pickles in an HDF5 user block: a valid .h5 (h5py opens it) that torch.load/pickle.load also accept.
    h5 = lambda ub: hdf5fmt.h5_file([('keras_version', '2.15.0'), ('backend', 'tensorflow'), ('model_config', KERAS2_CONFIG)], ub)  # noqa: E731
    w('h5_userblock_proto2.h5', h5(_user_block(payload(), 512)), 'pickle.dangerous-global',
      'h5py userblock_size=512 (HDF5 1.14 superblock search 0, 512, 1024, ...); pickle.load reads the protocol-2 pickle at byte 0')
    w('h5_userblock_proto0.h5', h5(_user_block(payload(protocol=0), 1024)), 'pickle.dangerous-global',
      'protocol-0 text pickle in a 1024-byte user block: no binary magic at byte 0 for a sniffer to notice')
    w('h5_userblock_proto4.h5', h5(_user_block(payload(protocol=4, fn=builtins.exec, arg='1'), 2048)), 'pickle.dangerous-global',
      'protocol-4 framed pickle in a 2048-byte user block, Keras 2 model_config after it (keras 2.15 legacy_h5_format)')
    w('h5_userblock_proto5.h5', h5(_user_block(payload(protocol=5, fn=subprocess.check_output, arg=['id']), 4096)), 'pickle.dangerous-global',
      'protocol-5 pickle (CPython 3.8+ default for torch.save pickle_protocol=5) in a 4096-byte user block')
    w('h5_userblock_legacy_torch.h5', h5(_user_block(torchfmt.legacy_save({'x': Call(os.system, 'id')}), 512)), 'pickle.dangerous-global',
      'a whole legacy torch.save stream in the user block: torch.load(file.h5) takes the _legacy_load path')


def _benign(corpus):
    """Real pre-zip checkpoints that must stay clean (class 6)."""
    w = lambda f, d, note: corpus.write(6, f, d, 'clean', None, note)  # noqa: E731
    sd = torchfmt.state_dict()
    sd._metadata = __import__('collections').OrderedDict([('', {'version': 1}), ('layers', {'version': 1})])
    w('torch_legacy_state_dict.pt', torchfmt.legacy_save(sd),
      'torch 1.x/2.x torch.save(model.state_dict(), _use_new_zipfile_serialization=False): OrderedDict with _metadata, _rebuild_tensor_v2')
    w('torch_legacy_proto4.pt', torchfmt.legacy_save({'epoch': 3, 'state_dict': torchfmt.state_dict()}, protocol=4),
      'the same legacy stream with pickle_protocol=4 (framed pickles), as Lightning/older trainers wrote')
    w('torch_tar_checkpoint.tar', torchfmt.tar_save(torchfmt.state_dict()),
      'PyTorch 0.1.12 tar checkpoint (sys_info, pickle, tensors, storages incl. the trailing storage_views pickle)')
    w('keras2_userblock_zeros.h5', hdf5fmt.h5_file([('keras_version', '2.15.0'), ('backend', 'tensorflow'), ('model_config', KERAS2_CONFIG)], b'\0' * 512),
      'Keras 2 HDF5 written with h5py userblock_size=512: the zero-filled user block is not a pickle')

