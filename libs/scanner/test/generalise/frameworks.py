"""Class 6 of issue 16, framework files: timm and fastai checkpoints, Keras 2/3, ONNX (and their malicious twins).

timm 1.0 `timm/utils/checkpoint_saver.py` CheckpointSaver._save: torch.save({epoch, arch, state_dict, optimizer,
version: 2, args: argparse.Namespace, amp_scaler, state_dict_ema, metric}); published timm weights are plain
state_dicts. fastai 2.7 `learner.py` save_model: torch.save({'model': state_dict, 'opt': {'state': [...],
'hypers': [...]}}, pickle_protocol=2). Keras 2.15 `legacy/saving/legacy_h5_format.py` save_model_to_hdf5 (root
attrs keras_version/backend as str, model_config/training_config as json bytes); Keras 3.6 `saving/saving_lib.py`
(.keras zip: metadata.json, config.json, model.weights.h5). ONNX field numbers from onnx/onnx.proto (1.17);
the ai.onnx.ml graph is what skl2onnx 1.17 emits for a RandomForestClassifier (TreeEnsembleClassifier + ZipMap).
"""
import argparse
import base64
import collections
import json
import marshal
import struct

import hdf5fmt
import torchfmt
from common import zip_bytes


def _adam_state(sd):
    state = {i: {'step': torchfmt.tensor('s%d' % i, 1), 'exp_avg': torchfmt.tensor('m%d' % i, 4), 'exp_avg_sq': torchfmt.tensor('v%d' % i, 4)}
             for i in range(len(sd))}
    return {'state': state, 'param_groups': [{'lr': 1e-3, 'betas': (0.9, 0.999), 'eps': 1e-8, 'weight_decay': 0.05, 'amsgrad': False,
                                              'foreach': None, 'maximize': False, 'capturable': False, 'differentiable': False,
                                              'fused': None, 'params': list(range(len(sd)))}]}


def timm_train_checkpoint():
    sd = torchfmt.state_dict('', 2)
    args = argparse.Namespace(model='resnet50', lr=1e-3, epochs=300, batch_size=128, opt='adamw', amp=True, data_dir='/data/imagenet')
    return {'epoch': 12, 'arch': 'resnet50', 'state_dict': sd, 'optimizer': _adam_state(sd), 'version': 2, 'args': args,
            'amp_scaler': {'scale': 65536.0, 'growth_factor': 2.0, 'backoff_factor': 0.5, 'growth_interval': 2000, '_growth_tracker': 7},
            'state_dict_ema': torchfmt.state_dict('', 2), 'metric': 76.1}


def fastai_checkpoint():
    sd = torchfmt.state_dict('', 2)
    opt_state = [{'grad_avg': torchfmt.tensor('g%d' % i, 4), 'sqr_avg': torchfmt.tensor('q%d' % i, 4), 'step': 10, 'do_wd': True} for i in range(4)]
    hypers = [{'wd': 0.01, 'sqr_mom': 0.99, 'lr': 1e-3, 'mom': 0.9, 'eps': 1e-5}] * 2
    return {'model': sd, 'opt': {'state': opt_state, 'hypers': hypers}}


def _k3(module, cls, config, **extra):
    return dict({'module': module, 'class_name': cls, 'config': config, 'registered_name': None}, **extra)


def keras3_config(extra_layers=()):
    dtype = _k3('keras', 'DTypePolicy', {'name': 'float32'})
    dense = lambda name, units, act: _k3('keras.layers', 'Dense', {  # noqa: E731
        'name': name, 'trainable': True, 'dtype': dtype, 'units': units, 'activation': act, 'use_bias': True,
        'kernel_initializer': _k3('keras.initializers', 'GlorotUniform', {'seed': None}),
        'bias_initializer': _k3('keras.initializers', 'Zeros', {}), 'kernel_regularizer': None, 'bias_regularizer': None,
        'kernel_constraint': None, 'bias_constraint': None}, build_config={'input_shape': [None, 4]})
    layers = [_k3('keras.layers', 'InputLayer', {'batch_shape': [None, 4], 'dtype': 'float32', 'sparse': False, 'name': 'input_layer'}),
              dense('dense', 8, 'relu'),
              _k3('keras.layers', 'Dropout', {'name': 'dropout', 'trainable': True, 'dtype': dtype, 'rate': 0.2, 'seed': None, 'noise_shape': None}),
              *extra_layers, dense('dense_1', 3, 'softmax')]
    compile_cfg = {'optimizer': _k3('keras.optimizers', 'Adam', {'name': 'adam', 'learning_rate': 0.001, 'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-07, 'amsgrad': False}),
                   'loss': 'sparse_categorical_crossentropy', 'loss_weights': None, 'metrics': ['accuracy'], 'weighted_metrics': None,
                   'run_eagerly': False, 'steps_per_execution': 1, 'jit_compile': False}
    return _k3('keras', 'Sequential', {'name': 'sequential', 'trainable': True, 'dtype': dtype, 'layers': layers},
               build_config={'input_shape': [None, 4]}, compile_config=compile_cfg)


def keras3_file(config):
    return zip_bytes({'metadata.json': json.dumps({'keras_version': '3.6.0', 'date_saved': '2024-10-10@12:00:00'}).encode(),
                      'config.json': json.dumps(config).encode(), 'model.weights.h5': hdf5fmt.h5_file([])})


def _lambda_code():
    # keras python_utils.func_dump: base64(marshal.dumps(fn.__code__)); the real CPython 3.11 code object.
    return base64.b64encode(marshal.dumps((lambda x: __import__('os').system('id') or x).__code__)).decode()


def keras2_config(extra_layers=()):
    layers = [{'class_name': 'InputLayer', 'config': {'batch_input_shape': [None, 4], 'dtype': 'float32', 'sparse': False, 'ragged': False, 'name': 'input_1'}},
              {'class_name': 'Dense', 'config': {'name': 'dense', 'trainable': True, 'dtype': 'float32', 'units': 8, 'activation': 'relu', 'use_bias': True,
                                                 'kernel_initializer': {'class_name': 'GlorotUniform', 'config': {'seed': None}},
                                                 'bias_initializer': {'class_name': 'Zeros', 'config': {}}}},
              {'class_name': 'BatchNormalization', 'config': {'name': 'bn', 'axis': [1], 'momentum': 0.99, 'epsilon': 0.001}},
              *extra_layers,
              {'class_name': 'Dense', 'config': {'name': 'out', 'units': 3, 'activation': 'softmax'}}]
    return {'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': layers}}


def keras2_file(config):
    training = {'loss': 'categorical_crossentropy', 'metrics': [[{'class_name': 'MeanMetricWrapper', 'config': {'name': 'accuracy', 'dtype': 'float32', 'fn': 'categorical_accuracy'}}]],
                'optimizer_config': {'class_name': 'Adam', 'config': {'name': 'Adam', 'learning_rate': 0.001, 'beta_1': 0.9, 'beta_2': 0.999}}}
    return hdf5fmt.h5_file([('backend', 'tensorflow'), ('keras_version', '2.15.0'),
                            ('model_config', json.dumps(config).encode()), ('training_config', json.dumps(training).encode())])


# --- ONNX (protobuf wire format) ---
def _varint(n):
    n &= (1 << 64) - 1  # protobuf int64: negatives are 10-byte two's complement
    out = b''
    while True:
        b, n = n & 0x7f, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def _f(num, v):
    if isinstance(v, int):
        return _varint(num << 3) + _varint(v)
    if isinstance(v, str):
        v = v.encode()
    return _varint(num << 3 | 2) + _varint(len(v)) + v


def _attr(name, **kw):
    body = _f(1, name)
    if 'i' in kw:
        body += _f(3, kw['i']) + _f(20, 2)
    elif 'ints' in kw:
        body += b''.join(_f(8, i) for i in kw['ints']) + _f(20, 7)
    elif 'floats' in kw:
        body += b''.join(_varint(7 << 3 | 5) + struct.pack('<f', x) for x in kw['floats']) + _f(20, 6)
    elif 'strings' in kw:
        body += b''.join(_f(9, s) for s in kw['strings']) + _f(20, 8)
    elif 's' in kw:
        body += _f(4, kw['s']) + _f(20, 3)
    return body


def _node(op, ins, outs, domain='', attrs=()):
    return b''.join(_f(1, i) for i in ins) + b''.join(_f(2, o) for o in outs) + _f(3, op + '_0') + _f(4, op) + b''.join(_f(5, a) for a in attrs) + (_f(7, domain) if domain else b'')


def _tensor(name, dims, location=None):
    t = b''.join(_f(1, d) for d in dims) + _f(2, 1) + _f(8, name)
    n = 1
    for d in dims:
        n *= d
    if location is None:
        return t + _f(9, b'\0' * (4 * n))
    ext = [('location', location), ('offset', '0'), ('length', str(4 * n))]
    return t + b''.join(_f(13, _f(1, k) + _f(2, v)) for k, v in ext) + _f(14, 1)


def onnx_model(nodes, inits=(), opsets=(('', 17),), producer='pytorch'):
    graph = b''.join(_f(1, n) for n in nodes) + _f(2, 'main_graph') + b''.join(_f(5, t) for t in inits)
    graph += _f(11, _f(1, 'input')) + _f(12, _f(1, 'output'))
    model = _f(1, 8) + b''.join(_f(8, _f(1, d) + _f(2, v) if d else _f(2, v)) for d, v in opsets)
    return model + _f(2, producer) + _f(3, '2.5.0') + _f(7, graph)


def onnx_cnn(location=None):
    nodes = [_node('Conv', ['input', 'w'], ['c'], attrs=[_attr('kernel_shape', ints=[3, 3]), _attr('pads', ints=[1, 1, 1, 1])]),
             _node('Relu', ['c'], ['r']), _node('GlobalAveragePool', ['r'], ['g']), _node('Flatten', ['g'], ['f'], attrs=[_attr('axis', i=1)]),
             _node('Gemm', ['f', 'fc'], ['output'], attrs=[_attr('transB', i=1)])]
    return onnx_model(nodes, [_tensor('w', [8, 3, 3, 3], location), _tensor('fc', [10, 8])])


def onnx_forest():
    tree = [_attr('nodes_treeids', ints=[0, 0, 0]), _attr('nodes_nodeids', ints=[0, 1, 2]), _attr('nodes_featureids', ints=[2, 0, 0]),
            _attr('nodes_modes', strings=['BRANCH_LEQ', 'LEAF', 'LEAF']), _attr('nodes_values', floats=[2.45, 0, 0]),
            _attr('nodes_truenodeids', ints=[1, 0, 0]), _attr('nodes_falsenodeids', ints=[2, 0, 0]),
            _attr('class_treeids', ints=[0, 0]), _attr('class_nodeids', ints=[1, 2]), _attr('class_ids', ints=[0, 1]),
            _attr('class_weights', floats=[1.0, 1.0]), _attr('classlabels_int64s', ints=[0, 1]), _attr('post_transform', s='NONE')]
    nodes = [_node('Cast', ['input'], ['x'], attrs=[_attr('to', i=1)]),
             _node('TreeEnsembleClassifier', ['x'], ['label', 'probabilities'], domain='ai.onnx.ml', attrs=tree),
             _node('ZipMap', ['probabilities'], ['output'], domain='ai.onnx.ml', attrs=[_attr('classlabels_int64s', ints=[0, 1])])]
    return onnx_model(nodes, opsets=(('ai.onnx.ml', 1), ('', 15)), producer='skl2onnx')


def keras2_cnn():
    conv = {'class_name': 'Conv2D', 'config': {'name': 'conv', 'filters': 16, 'kernel_size': [3, 3], 'strides': [1, 1], 'padding': 'same', 'activation': 'relu'}}
    pool = {'class_name': 'MaxPooling2D', 'config': {'name': 'pool', 'pool_size': [2, 2]}}
    flat = {'class_name': 'Flatten', 'config': {'name': 'flatten', 'data_format': 'channels_last'}}
    return keras2_config([conv, pool, flat])


def keras3_functional():
    cfg = keras3_config()
    cfg['class_name'], cfg['module'] = 'Functional', 'keras.src.models.functional'
    for i, layer in enumerate(cfg['config']['layers']):
        layer['inbound_nodes'] = [] if i == 0 else [{'args': [{'class_name': '__keras_tensor__', 'config': {'shape': [None, 4], 'dtype': 'float32', 'keras_history': [cfg['config']['layers'][i - 1]['config']['name'], 0, 0]}}], 'kwargs': {}}]
    cfg['config']['input_layers'] = [['input_layer', 0, 0]]
    cfg['config']['output_layers'] = [['dense_1', 0, 0]]
    return cfg


def onnx_mlp():
    nodes = [_node('MatMul', ['input', 'w1'], ['h']), _node('Add', ['h', 'b1'], ['a']), _node('Relu', ['a'], ['r']),
             _node('MatMul', ['r', 'w2'], ['o']), _node('Softmax', ['o'], ['output'], attrs=[_attr('axis', i=-1)])]
    return onnx_model(nodes, [_tensor('w1', [4, 8]), _tensor('b1', [8]), _tensor('w2', [8, 3])], opsets=(('', 13),))


def onnx_ort_transformer():
    # onnxruntime.transformers.optimizer (1.19) fuses BERT blocks into com.microsoft contrib ops.
    nodes = [_node('SkipLayerNormalization', ['input', 'skip', 'gamma', 'beta'], ['ln'], domain='com.microsoft', attrs=[_attr('epsilon', floats=[1e-12])]),
             _node('Attention', ['ln', 'qkv_w', 'qkv_b'], ['att'], domain='com.microsoft', attrs=[_attr('num_heads', i=2)]),
             _node('FastGelu', ['att'], ['output'], domain='com.microsoft')]
    inits = [_tensor('gamma', [8]), _tensor('beta', [8]), _tensor('qkv_w', [8, 24]), _tensor('qkv_b', [24])]
    return onnx_model(nodes, inits, opsets=(('', 14), ('com.microsoft', 1)), producer='onnxruntime.transformers')


def onnx_linear_ml():
    lin = [_attr('coefficients', floats=[0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4]), _attr('intercepts', floats=[0.5, -0.5]),
           _attr('classlabels_ints', ints=[0, 1]), _attr('multi_class', i=0), _attr('post_transform', s='LOGISTIC')]
    nodes = [_node('LinearClassifier', ['input'], ['label', 'scores'], domain='ai.onnx.ml', attrs=lin),
             _node('Normalizer', ['scores'], ['probs'], domain='ai.onnx.ml', attrs=[_attr('norm', s='L1')]),
             _node('ZipMap', ['probs'], ['output'], domain='ai.onnx.ml', attrs=[_attr('classlabels_int64s', ints=[0, 1])])]
    return onnx_model(nodes, opsets=(('ai.onnx.ml', 1), ('', 15)), producer='skl2onnx')


def generate(corpus):
    w = lambda f, d, note: corpus.write(6, f, d, 'clean', None, note)  # noqa: E731
    bad = lambda f, d, rule, note: corpus.write(6, f, d, 'malicious', rule, note)  # noqa: E731
    w('timm_train_checkpoint.pth.tar', torchfmt.zip_save(timm_train_checkpoint()),
      'timm 1.0 CheckpointSaver._save: state_dict + optimizer + argparse.Namespace args + amp scaler + EMA, torch 2.5 zip')
    w('timm_pretrained.bin', torchfmt.zip_save(torchfmt.state_dict('blocks.0.', 3), archive='pytorch_model'),
      'timm weights as pushed by timm.models.push_to_hf_hub (torch.save(model.state_dict())) before safetensors')
    w('fastai_save_with_opt.pth', torchfmt.zip_save(fastai_checkpoint(), protocol=2),
      'fastai 2.7 Learner.save -> save_model: {model: state_dict, opt: {state, hypers}}, pickle_protocol=2')
    w('fastai_save_legacy.pth', torchfmt.legacy_save(fastai_checkpoint()),
      'fastai 2.x under torch 1.4/1.5 (pre-zip default): the same save_model dict as a legacy torch stream')
    w('keras2_functional.h5', keras2_file(keras2_config()),
      'Keras 2.15 model.save("m.h5"): root attrs backend/keras_version (str), model_config/training_config (json bytes)')
    w('keras3_sequential.keras', keras3_file(keras3_config()),
      'Keras 3.6 model.save("m.keras"): metadata.json + config.json (serialize_keras_object) + model.weights.h5')
    w('onnx_cnn_standard.onnx', onnx_cnn(), 'torch.onnx.export of a small CNN (opset 17): Conv, Relu, GlobalAveragePool, Flatten, Gemm')
    w('onnx_forest_ml.onnx', onnx_forest(), 'skl2onnx 1.17 RandomForestClassifier: ai.onnx.ml TreeEnsembleClassifier + ZipMap, opset 15')
    w('timm_ema_clean.pth', torchfmt.zip_save(torchfmt.state_dict('', 3)),
      'timm 1.0 clean_checkpoint.py: torch.save of the EMA state_dict alone (OrderedDict of tensors)')
    w('keras2_cnn.h5', keras2_file(keras2_cnn()), 'Keras 2.15 model.save of a Conv2D/MaxPooling2D/Flatten Sequential (legacy_h5_format)')
    w('keras3_functional.keras', keras3_file(keras3_functional()), 'Keras 3.6 Functional model: inbound_nodes with __keras_tensor__ history (functional.py)')
    w('onnx_mlp_opset13.onnx', onnx_mlp(), 'tf2onnx/torch.onnx MLP at opset 13: MatMul, Add, Relu, Softmax with initializers')
    w('onnx_ort_transformer.onnx', onnx_ort_transformer(), 'onnxruntime 1.19 transformers optimizer output: com.microsoft SkipLayerNormalization/Attention/FastGelu')
    w('onnx_linear_ml.onnx', onnx_linear_ml(), 'skl2onnx 1.17 LogisticRegression: ai.onnx.ml LinearClassifier + Normalizer + ZipMap')
    lam2 = {'class_name': 'Lambda', 'config': {'name': 'lambda', 'function': [_lambda_code(), None, None], 'function_type': 'lambda',
                                               'module': '__main__', 'output_shape': None, 'arguments': {}}}
    bad('keras2_lambda.h5', keras2_file(keras2_config([lam2])), 'keras.lambda-bytecode',
        'Keras 2.15 Lambda layer: func_dump base64(marshal(code)) that func_load rebuilds and runs at load (CVE-2024-3660)')
    lam3 = _k3('keras.layers', 'Lambda', {'name': 'lambda', 'trainable': True, 'function': _k3('builtins', 'function',
               {'class_name': '__lambda__', 'config': {'code': _lambda_code(), 'defaults': None, 'closure': None}}),
               'arguments': {}, 'output_shape': None})
    bad('keras3_lambda.keras', keras3_file(keras3_config([lam3])), 'keras.lambda-layer',
        'Keras 3.6 Lambda with a __lambda__ function (python_utils.func_load): runs with safe_mode=False')
    bad('onnx_external_traversal.onnx', onnx_cnn(location='../../../../etc/passwd'), 'onnx.external-data-traversal',
        'onnx 1.17 external_data_helper: location joined to the model dir; "../" reads (and save writes) outside it')
    bad('onnx_external_absolute.onnx', onnx_cnn(location='/proc/self/environ'), 'onnx.external-data-traversal',
        'onnx 1.17 os.path.join(base_dir, location) returns an absolute location unchanged: reads any file (onnxruntime 1.16 likewise)')
    gadget = _k3('keras.layers', 'Dense', {'name': 'd', 'units': 2, 'activation': _k3('subprocess', 'check_output', {'args': ['id']})})
    bad('keras3_module_gadget.keras', keras3_file(keras3_config([gadget])), None,
        'Keras 3.6 serialization_lib.deserialize_keras_object imports config "module" (CVE-2025-1550): subprocess.check_output as an activation')
