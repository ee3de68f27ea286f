import type { Finding, ScanOptions } from '../core/types';
import { classifyCallable } from './callable-policy';
import { exhaustionOf } from './resource-guard';
import { isGetattr, methodRefOf, passesGetattr } from './method-ref';
import { joblibArrayFollow, type RawFollow } from './joblib-array';
import type { OpAt, VmHooks } from './pickle-vm';
import { describe, type Value } from './values';

/** Bytes values that should be scanned as nested pickles once the current stream is done. */
export interface NestedCandidate {
  value: Extract<Value, { k: 'bytes' }>;
  /** Passed to a known loader: always scanned and always reported. */
  viaLoader: boolean;
  at: OpAt;
}

const LOADERS = new Set([
  'pickle.loads', 'pickle.load', '_pickle.loads', '_pickle.load', 'dill.loads', 'cloudpickle.loads', 'joblib.load',
  'torch.load', 'torch.serialization.load', 'torch.storage._load_from_bytes', 'numpy.load', 'marshal.loads',
]);

/**
 * Turns the VM's events into findings: every import is classified (allowlist first), every call of something
 * that is not a plain global is flagged, bytes handed to calls or BUILD are queued for nested scanning.
 */
export class PickleAnalyzer implements VmHooks {
  readonly findings: Finding[] = [];
  readonly nested: NestedCandidate[] = [];
  private readonly reported = new Set<string>();
  sawJoblib = false;

  constructor(
    private readonly file: string,
    private readonly options: ScanOptions,
    readonly checkBudget: () => void,
  ) {}

  onImport(module: string, name: string, op: string, at: OpAt): void {
    const key = `${module}\u0000${name}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    if (module === 'joblib.numpy_pickle') this.sawJoblib = true;
    // Judged where it is used (onCall/onBuild): only getattr(<allowed class>, '<reviewed method>') is benign.
    if (isGetattr({ k: 'global', module, name })) return;
    const c = classifyCallable(module, name, this.options.rules);
    if (c.kind === 'safe') return;
    const callable = `${module}.${name}`;
    if (c.kind === 'dangerous') {
      this.add('pickle.dangerous-global', c.severity, `${op} imports ${callable}: ${c.reason}`, at, { callable, module, name });
    } else {
      // Blocks by default: an unlisted callable can be a shell, eval or a download-then-load helper. The admin
      // reads `details.callable`, checks what it does in the versions users run, and allows it exactly.
      this.add(
        'pickle.unknown-global',
        'ERROR',
        `unknown import ${callable} (${op}): not on the reviewed allowlist; an admin can review it and add it to allowCallables`,
        at,
        { callable, module, name, review: 'allowCallables' },
      );
    }
  }

  onUnresolvedGlobal(module: Value, name: Value, at: OpAt): void {
    this.add(
      'pickle.unresolved-global',
      'CRITICAL',
      `STACK_GLOBAL with operands that are not plain strings (${describe(module)}, ${describe(name)}): the import target is hidden`,
      at,
    );
  }

  onCall(fn: Value, args: Value, kwargs: Value | undefined, op: string, at: OpAt): void {
    if (isGetattr(fn)) this.checkMethodRef(fn, args, at);
    if (passesGetattr(args) || passesGetattr(kwargs)) this.getattrFinding('getattr passed as an argument', at);
    const ref = fn.k === 'call' ? methodRefOf(fn.fn, fn.args) : undefined;
    if (fn.k !== 'global' && !(ref && classifyCallable(ref.module, ref.name, this.options.rules).kind === 'safe')) {
      // Calling the result of another call (getattr(...)(...), attrgetter chains, EXT entries, …) is how
      // trampolines reach code the import list never names.
      this.add('pickle.indirect-call', 'ERROR', `${op} calls a computed callable ${describe(fn)}`, at, { callee: describe(fn) });
    }
    const exhaustion = exhaustionOf(fn, args);
    if (exhaustion) this.onExhaustion(exhaustion, at);
    const viaLoader = fn.k === 'global' && LOADERS.has(`${fn.module}.${fn.name}`.replace(/^_?pickle\./, 'pickle.'));
    this.collectBytes(args, viaLoader, at, 0);
    if (kwargs) this.collectBytes(kwargs, viaLoader, at, 0);
  }

  private checkMethodRef(fn: Value, args: Value, at: OpAt): void {
    const ref = methodRefOf(fn, args);
    const c = ref ? classifyCallable(ref.module, ref.name, this.options.rules) : undefined;
    if (!ref || c?.kind !== 'safe') this.getattrFinding(ref ? `getattr reaches ${ref.module}.${ref.name}, which is not a reviewed method` : `getattr on ${describe(args)}`, at);
  }

  private getattrFinding(why: string, at: OpAt): void {
    this.add('pickle.dangerous-global', 'CRITICAL', `builtins.getattr: ${why} (attribute traversal to any callable)`, at, { callable: 'builtins.getattr' });
  }

  onBuild(target: Value, state: Value, at: OpAt): RawFollow | 'pickle' | undefined {
    if (passesGetattr(state)) this.getattrFinding('getattr stored as object state', at);
    if (target.k === 'global') {
      this.add('pickle.build-on-global', 'ERROR', `BUILD sets attributes on ${describe(target)} (state smuggling)`, at);
    }
    this.collectBytes(state, false, at, 0);
    const follow = joblibArrayFollow(target, state);
    if (follow === 'invalid') {
      this.add('pickle.malformed', 'ERROR', 'joblib array wrapper with a shape or dtype we cannot size', at, undefined, true);
      return undefined;
    }
    return follow;
  }

  onExtension(code: number, at: OpAt): void {
    this.add('pickle.extension-registry', 'ERROR', `EXT opcode loads callable #${code} from the copyreg extension registry (unknown target)`, at, { code });
  }

  onFrameMismatch(at: OpAt): void {
    this.add('pickle.frame-mismatch', 'WARNING', 'an opcode crosses a FRAME boundary (parser differential between pickle implementations)', at);
  }

  onExhaustion(reason: string, at: OpAt): void {
    this.add('pickle.resource-exhaustion', 'ERROR', `loading would exhaust memory or CPU: ${reason}`, at);
  }

  onDifferential(reason: string, at: OpAt): void {
    this.add('pickle.loader-differential', 'ERROR', reason, at);
  }

  onMemoMiss(index: number | undefined, at: OpAt): void {
    // CPython's Unpickler raises ("Memo value not found at index"): a file no loader reads is not "clean".
    const key = `memo-miss`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.add('pickle.malformed', 'ERROR', `GET of memo index ${index ?? '(invalid)'} that was never stored: the real unpickler stops here`, at, { memoIndex: index }, true);
  }

  add(ruleId: string, severity: Finding['severity'], message: string, at: OpAt, details?: Record<string, unknown>, unscannable?: boolean): void {
    const f: Finding = { ruleId, severity, message, location: { file: this.file, offset: at.offset, position: at.index } };
    if (details) f.details = details;
    if (unscannable) f.unscannable = true;
    this.findings.push(f);
  }

  private collectBytes(v: Value, viaLoader: boolean, at: OpAt, depth: number): void {
    if (depth > 3 || this.nested.length > 64) return;
    if (v.k === 'bytes') this.nested.push({ value: v, viaLoader, at });
    else if (v.k === 'str' && viaLoader) this.nested.push({ value: { k: 'bytes', off: -1, len: v.v.length, data: Buffer.from(v.v, 'latin1') }, viaLoader, at });
    else if (v.k === 'tuple' || v.k === 'list') for (const i of v.items) this.collectBytes(i, viaLoader, at, depth + 1);
    else if (v.k === 'dict') for (let i = 1; i < v.kv.length; i += 2) this.collectBytes(v.kv[i], viaLoader, at, depth + 1);
    else if (v.k === 'call' && depth < 2) this.collectBytes(v.args, viaLoader, at, depth + 1);
  }
}
