import type { RawFollow } from './joblib-array';
import type { Value } from './values';

/** Where an event happened: byte offset of the opcode and its index in the stream. */
export interface OpAt {
  offset: number;
  index: number;
}

/** What the analyzer learns from the machine. The VM itself has no policy. */
export interface VmHooks {
  onImport(module: string, name: string, op: string, at: OpAt): void;
  onUnresolvedGlobal(module: Value, name: Value, at: OpAt): void;
  onCall(fn: Value, args: Value, kwargs: Value | undefined, op: string, at: OpAt): void;
  /** Returns how many raw bytes follow this BUILD in the stream (joblib arrays), or a nested pickle to parse. */
  onBuild(target: Value, state: Value, at: OpAt): RawFollow | 'pickle' | undefined;
  onExtension(code: number, at: OpAt): void;
  onFrameMismatch(at: OpAt): void;
  /** A GET of a memo index never PUT: CPython raises there, so the file is malformed (the scan goes on). */
  onMemoMiss(index: number | undefined, at: OpAt): void;
  /** An opcode argument that makes the real loader allocate far beyond the input (see resource-guard.ts). */
  onExhaustion(reason: string, at: OpAt): void;
  /** The bytes mean different things to two real loaders (joblib vs pickle, …). */
  onDifferential(reason: string, at: OpAt): void;
  checkBudget(): void;
}

export interface VmLimits {
  maxOpcodes: number;
  maxMemo: number;
  /** Longest text argument (strings, names) decoded into memory; longer ones are skipped as opaque. */
  maxInlineString: number;
}
