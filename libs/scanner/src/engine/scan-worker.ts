import { parentPort } from 'node:worker_threads';
import { Readable } from 'node:stream';
import type { ScanInput } from '../core/types';
import { openBlockingFileInput } from '../io/inputs';
import { errorFinding, scanInputInProcess } from './scan-core';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

/**
 * Worker-thread side of the scan pool. Files are opened here directly; remote inputs (object-storage blobs)
 * are read through the parent with request/response messages, so the hostile bytes are parsed only here,
 * where the parent can kill us.
 */
if (!parentPort) throw new Error('scan-worker must run in a worker thread');
const port = parentPort;
const workerPort = parentPort;

const pendingReads = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
let nextRead = 0;

function remoteInput(taskId: number, path: string, size: number): ScanInput {
  const read = (offset: number, length: number): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const reqId = nextRead++;
      pendingReads.set(reqId, { resolve, reject });
      const msg: WorkerReply = { type: 'read', taskId, reqId, offset, length };
      workerPort.postMessage(msg);
    });
  return {
    path,
    size,
    read,
    stream(start = 0, end = size) {
      return Readable.from(
        (async function* () {
          for (let pos = start; pos < end; ) {
            const chunk = await read(pos, Math.min(1 << 20, end - pos));
            if (chunk.length === 0) return;
            pos += chunk.length;
            yield chunk;
          }
        })(),
      );
    },
  };
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'read-result') {
    const p = pendingReads.get(msg.reqId);
    pendingReads.delete(msg.reqId);
    if (!p) return;
    if (msg.error !== undefined || !msg.data) p.reject(new Error(msg.error ?? 'read failed'));
    else p.resolve(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength));
    return;
  }
  void (async () => {
    let report;
    try {
      if (msg.type === 'scan-file') {
        // This thread runs one scan at a time: blocking reads are cheaper and hold up nothing else.
        const input = await openBlockingFileInput(msg.path, msg.displayPath);
        try {
          report = await scanInputInProcess(input, msg.options);
        } finally {
          await input.close();
        }
      } else {
        report = await scanInputInProcess(remoteInput(msg.taskId, msg.path, msg.size), msg.options);
      }
    } catch (err) {
      const f = errorFinding(msg.path, err);
      report = { path: msg.path, size: 0, format: 'unknown' as const, verdict: 'unscannable' as const, findings: [f], durationMs: 0 };
    }
    const reply: WorkerReply = { type: 'result', taskId: msg.taskId, report };
    port.postMessage(reply);
  })();
});

port.postMessage({ type: 'ready' } satisfies WorkerReply);
