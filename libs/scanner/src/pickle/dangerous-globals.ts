import type { Severity } from '../core/types';

/**
 * Known-dangerous imports. The allowlist decides what is *safe*; this list only decides how loudly an unsafe
 * import is reported and with what explanation. Union of picklescan, modelscan, fickling and
 * modelaudit lists plus the gadgets from published advisories. Whole modules match themselves and every
 * submodule (CVE-2025-10157).
 */
const CRITICAL_MODULES = [
  'os', 'posix', 'nt', 'subprocess', '_posixsubprocess', 'sys', 'builtins', 'runpy', 'pty', 'commands', 'pip',
  'ensurepip', 'importlib', '_frozen_importlib', '_frozen_importlib_external', '_imp', 'imp', 'zipimport', 'pkgutil',
  'marshal', 'types', 'code', 'codeop', 'ctypes', '_ctypes', 'pickle', '_pickle', 'dill', 'cloudpickle', 'joblib',
  'shutil', 'socket', 'ssl', 'http', 'httplib', 'urllib', 'urllib2', 'urllib3', 'requests', 'aiohttp', 'asyncio',
  'webbrowser', 'smtplib', 'imaplib', 'ftplib', 'poplib', 'telnetlib', 'nntplib', 'socketserver', 'xmlrpc',
  'multiprocessing', 'concurrent', 'threading', '_thread', 'signal', '_signal', 'cProfile', 'profile', 'pdb', 'bdb',
  'timeit', 'trace', 'doctest', 'pydoc', 'idlelib', 'lib2to3', 'distutils', 'setuptools', 'venv', 'pexpect', 'pipes',
  'tempfile', 'filecmp', 'fileinput', 'glob', 'mmap', 'select', 'selectors', 'syslog', 'tarfile', 'zipfile', 'shelve',
  'sqlite3', '_sqlite3', 'compileall', 'py_compile', 'linecache', 'inspect', 'gc', 'site', 'unittest', 'test',
  '_interpreters', '_xxsubinterpreters', 'uuid', '_osx_support', '_aix_support', '_pyrepl', 'mailcap', 'platform',
  'atexit', 'operator', '_operator', 'io', '_io', 'codecs', 'base64', 'binascii', 'logging', 'ntpath', 'posixpath',
  'pathlib', 'numpy.f2py', 'numpy.distutils', 'numpy.testing', 'numpy.lib.npyio', 'torch.hub', 'torch._dynamo',
  'torch._inductor', 'torch.jit', 'torch.fx', 'torch.distributed', 'torch.utils.bottleneck', 'torch.utils.collect_env',
  'torch.utils.data.datapipes', 'torch.utils._config_module', 'torch.package', 'torch.serialization',
  'torch.storage', 'functools', 'copyreg', 'copy_reg', 'pandas.io', 'mlflow', 'fickling', 'picklescan', 'modelscan',
  'modelaudit', 'builtin', 'jinja2', 'yaml', 'ruamel', 'keras', 'tensorflow', 'sympy',
  // Gadget modules inside trusted packages (issue 16 class 1): test runners that shell out, dataset fetchers
  // that download and then joblib.load, native-code builders.
  'sklearn.utils._testing', 'sklearn.datasets', 'torch.testing', 'torch.utils.cpp_extension',
];

/** Exact `module.name` gadgets whose module as a whole is not otherwise listed. */
const CRITICAL_CALLABLES = [
  'torch.load', 'torch.compile', 'torch.storage._load_from_bytes', 'torch.serialization.load', 'numpy.load',
  'numpy.loadtxt', 'numpy.fromfile', 'numpy.save', 'pandas.read_csv', 'pandas.read_pickle', 'pandas.read_json',
  'pandas.read_html', 'pandas.eval', 'pandas.read_sql', 'scipy.io.loadmat', 'transformers.pipeline',
];

/** Names that are dangerous whichever (allowed) module they are reached through. */
const DANGEROUS_ATTRS = new Set([
  'system', 'popen', 'eval', 'exec', 'execfile', 'compile', '__import__', 'getattr', 'setattr', 'delattr', 'open',
  'load', 'loads', 'spawn', 'spawnv', 'run', 'runctx', 'call', 'check_output', 'Popen', 'import_module',
  'resolve_name', 'apply', 'breakpoint', 'input', 'globals', 'locals', 'vars', 'memoryview', 'execv', 'execve',
  'fork', 'kill', 'remove', 'unlink', 'rmtree', 'urlopen', 'urlretrieve', 'write_file', 'runcode', 'runsource',
  'attrgetter', 'methodcaller', 'itemgetter', 'partial', 'reduce', 'CodeType', 'FunctionType', 'LambdaType',
]);

/** Builtins that are plainly harmless as callables even though the builtins module as a whole is critical. */
const HARMLESS_BUILTINS = new Set([
  'set', 'frozenset', 'slice', 'complex', 'bytearray', 'bytes', 'dict', 'list', 'tuple', 'int', 'float', 'str', 'bool',
  'object', 'range', 'len', 'abs', 'sum', 'min', 'max', 'round', 'pow', 'divmod', 'sorted', 'reversed', 'enumerate',
  'zip', 'repr', 'ascii', 'bin', 'hex', 'oct', 'ord', 'chr', 'hash', 'id', 'isinstance', 'issubclass', 'callable',
  'format', 'all', 'any', 'iter', 'next', 'map', 'filter', 'True', 'False', 'None', 'Ellipsis', 'NotImplemented',
]);

/** Aliases that resolve to the same module at runtime. */
const MODULE_ALIASES: Record<string, string> = {
  __builtin__: 'builtins', __builtins__: 'builtins', posix: 'os', nt: 'os', _operator: 'operator', _io: 'io',
  _pickle: 'pickle', copy_reg: 'copyreg', cpickle: 'pickle', _posixsubprocess: 'subprocess', _thread: 'threading',
};

const criticalModules = new Set(CRITICAL_MODULES.map((m) => m.toLowerCase()));
const criticalCallables = new Set(CRITICAL_CALLABLES.map((m) => m.toLowerCase()));
const dangerousAttrs = new Set([...DANGEROUS_ATTRS].map((a) => a.toLowerCase()));

/**
 * Canonical spelling used for denylist matching only: NFKC folds full-width and compatibility characters (the
 * Python parser does the same for identifiers) and lower-casing defeats `Os`-style tricks on case-insensitive
 * importers. The allowlist never uses this form.
 */
export function canonicalName(s: string): string {
  return s.normalize('NFKC').toLowerCase().trim();
}

export interface DangerVerdict {
  severity: Severity;
  reason: string;
}

export function dangerOf(module: string, name: string, extraDeny: readonly string[] = []): DangerVerdict | undefined {
  const m0 = canonicalName(module);
  const m = MODULE_ALIASES[m0] ?? m0;
  const n = canonicalName(name);
  const full = `${m}.${n}`;
  for (const pattern of extraDeny) {
    const p = canonicalName(pattern);
    if (p === full || (p.endsWith('.*') && (m === p.slice(0, -2) || full.startsWith(p.slice(0, -1))))) {
      return { severity: 'CRITICAL', reason: `listed in denyCallables (${pattern})` };
    }
  }
  if (criticalCallables.has(full)) return { severity: 'CRITICAL', reason: `${full} loads or executes untrusted data` };
  if (m === 'builtins' && HARMLESS_BUILTINS.has(name)) return undefined;
  const parts = m.split('.');
  for (let i = parts.length; i > 0; i--) {
    const prefix = parts.slice(0, i).join('.');
    if (criticalModules.has(prefix) || criticalModules.has(MODULE_ALIASES[prefix] ?? '')) {
      return { severity: 'CRITICAL', reason: `module ${prefix} gives code execution, file or network access` };
    }
  }
  // Dotted names walk attributes at load time (`pathlib` + `os.system`, `numpy` + `__builtins__`): every
  // component counts.
  for (const part of n.split('.')) {
    const canon = MODULE_ALIASES[part] ?? part;
    if (part.startsWith('__') && part.endsWith('__')) return { severity: 'CRITICAL', reason: `attribute traversal through ${part}` };
    if (criticalModules.has(canon)) return { severity: 'CRITICAL', reason: `attribute traversal into module ${canon}` };
    if (dangerousAttrs.has(part)) return { severity: 'ERROR', reason: `${part} is an execution or I/O primitive` };
  }
  // Non-ASCII module names are an evasion attempt after NFKC folding failed to map them to anything known.
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(module) || /[^\x00-\x7f]/.test(name)) {
    return { severity: 'ERROR', reason: 'non-ASCII characters in an imported name' };
  }
  return undefined;
}
