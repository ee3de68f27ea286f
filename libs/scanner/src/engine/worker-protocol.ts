import type { FileReport, ScanOptions } from '../core/types';

/** Messages between the scan pool (parent) and its worker threads. */
export type WorkerRequest =
  | { type: 'scan-file'; taskId: number; path: string; displayPath: string; options: ScanOptions }
  | { type: 'scan-remote'; taskId: number; path: string; size: number; options: ScanOptions }
  | { type: 'read-result'; reqId: number; data?: Uint8Array; error?: string };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; taskId: number; report: FileReport }
  | { type: 'read'; taskId: number; reqId: number; offset: number; length: number };
