import { describe, expect, it } from 'vitest';
import { classifyCallable } from './callable-policy';

const kind = (m: string, n: string, rules = {}) => classifyCallable(m, n, rules).kind;

describe('classifyCallable (allowlist first)', () => {
  it('allows what torch, numpy, sklearn and joblib really emit', () => {
    for (const [m, n] of [
      ['torch._utils', '_rebuild_tensor_v2'], ['torch._utils', '_rebuild_parameter'], ['torch', 'FloatStorage'], ['torch', 'Size'],
      ['collections', 'OrderedDict'], ['numpy.core.multiarray', '_reconstruct'], ['numpy._core.multiarray', '_reconstruct'],
      ['numpy', 'dtype'], ['numpy', 'ndarray'], ['sklearn.linear_model._logistic', 'LogisticRegression'],
      ['joblib.numpy_pickle', 'NumpyArrayWrapper'], ['builtins', 'set'], ['__builtin__', 'frozenset'], ['copy_reg', '_reconstructor'],
      ['torch.serialization', '_get_layout'],
    ]) expect(`${m}.${n}:${kind(m, n)}`).toBe(`${m}.${n}:safe`);
  });

  it('flags dangerous callables through every spelling trick', () => {
    for (const [m, n] of [
      ['os', 'system'], ['Os', 'system'], ['\uff4f\uff53', 'system'], ['posix', 'system'], ['nt', 'spawnv'], ['__builtin__', 'eval'],
      ['builtins', 'getattr'], ['__builtins__', 'exec'], ['_operator', 'attrgetter'], ['operator', 'methodcaller'], ['functools', 'partial'],
      ['asyncio.unix_events', '_UnixSubprocessTransport._start'], ['pathlib', 'os.system'], ['numpy', '__builtins__'], ['torch', 'load'],
      ['torch.serialization', 'load'], ['numpy', 'load'], ['pip._internal.cli.main', 'main'], ['importlib.util', 'spec_from_file_location'],
      ['marshal', 'loads'], ['types', 'FunctionType'], ['_pickle', 'loads'], ['dill', '_create_code'], ['torch.utils.collect_env', 'run'],
      ['sklearn.utils', 'eval'], ['numpy.f2py.crackfortran', 'getlincoef'], ['builtins', 'dict.get'], ['collections', 'OrderedDict.__init__.__globals__'],
    ]) expect(`${m}.${n}:${kind(m, n)}`).toBe(`${m}.${n}:dangerous`);
  });

  it('never allows a dotted name just because its module is allowed', () => {
    expect(kind('torch', 'Size.__class__')).toBe('dangerous');
    expect(kind('collections', 'OrderedDict.fromkeys')).toBe('unknown');
  });

  it('reports anything else as unknown, and honours user rules', () => {
    expect(kind('mylib.models', 'Thing')).toBe('unknown');
    expect(kind('mylib.models', 'Thing', { allowCallables: ['mylib.models.Thing'] })).toBe('safe');
    // Exact names only: a wildcard or a package prefix admits nothing.
    expect(kind('mylib.models', 'Thing', { allowCallables: ['mylib.models.*'] })).toBe('unknown');
    expect(kind('mylib.models.sub', 'Thing', { allowCallables: ['mylib.models.Thing'] })).toBe('unknown');
    // A user allowlist cannot clear something on the built-in denylist...
    expect(kind('os', 'system', { allowCallables: ['os.system'] })).toBe('dangerous');
    // ...but a user denylist can block something built-in-allowed.
    expect(kind('collections', 'OrderedDict', { denyCallables: ['collections.*'] })).toBe('dangerous');
  });
});
