import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/**
 * Removes the file a failed write was streaming into, once its stream has closed. A write stream opens its file
 * asynchronously, so a source that fails at once can reject the pipeline before that open has run: removing the path
 * right away would come first, and the open would then create the file and leave it behind (FsBlobStore.put's temp
 * files, seen in CI: 1-28 left per 400 such uploads).
 */
export async function discardPartialFile(file: Writable, path: string): Promise<void> {
  // Not events.once: it rejects when the stream emits 'error', which a failed write stream usually does.
  if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
  await rm(path, { force: true });
}
