import { Readable, Transform } from 'node:stream';

/**
 * Pipes `source` through `stages` and returns the tail, recording the FIRST error raised anywhere in the chain.
 * Consumers (a BlobStore) may rethrow a wrapped or generic error; `firstError()` tells the real cause.
 */
export function chainStreams(source: Readable, stages: Transform[]): { tail: Readable; firstError: () => Error | null; destroy: () => void } {
  let first: Error | null = null;
  const all: Array<Readable | Transform> = [source, ...stages];
  const fail = (error: Error): void => {
    first ??= error;
    for (const s of all) if (!s.destroyed) s.destroy(first);
  };
  let tail: Readable = source;
  source.on('error', fail);
  for (const stage of stages) {
    stage.on('error', fail);
    tail = tail.pipe(stage);
  }
  return { tail, firstError: () => first, destroy: () => all.forEach((s) => s.destroy()) };
}
