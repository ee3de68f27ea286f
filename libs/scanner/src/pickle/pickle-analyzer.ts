import type { Finding, ScanOptions } from '../core/types';
import { classifyCallable } from './callable-policy';
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
    const c = classifyCallable(module, name, this.options.rules);
    if (c.kind === 'safe') return;
    const callable = `${module}.${name}`;
    if (c.kind === 'dangerous') {
      this.add('pickle.dangerous-global', c.severity, `${op} imports ${callable}: ${c.reason}`, at, { callable, module, name });
    } else {
      this.add(
        'pickle.unknown-global',
        this.options.strict ? 'ERROR' : 'WARNING',
        `${op} imports ${callable}, which is not on the allowlist`,
        at,
        { callable, module, name },
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
    if (fn.k !== 'global') {
      // Calling the result of another call (getattr(...)(...), attrgetter chains, EXT entries, …) is how
      // trampolines reach code the import list never names.
      this.add('pickle.indirect-call', 'ERROR', `${op} calls a computed callable ${describe(fn)}`, at, { callee: describe(fn) });
    }
    const viaLoader = fn.k === 'global' && LOADERS.has(`${fn.module}.${fn.name}`.replace(/^_?pickle\./, 'pickle.'));
    this.collectBytes(args, viaLoader, at, 0);
    if (kwargs) this.collectBytes(kwargs, viaLoader, at, 0);
  }

  onBuild(target: Value, state: Value, at: OpAt): RawFollow | 'pickle' | undefined {
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
    else if (v.k === 'dict') for (const [, val] of v.entries) this.collectBytes(val, viaLoader, at, depth + 1);
    else if (v.k === 'call' && depth < 2) this.collectBytes(v.args, viaLoader, at, depth + 1);
  }
}
