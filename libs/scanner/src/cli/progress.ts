import type { ScanProgress } from '../engine/scan-api';

/** A one-line progress bar on stderr, only for TTYs and scans big enough to be worth it. */
export function progressReporter(stream: NodeJS.WriteStream, totalHint: { files: number }): ((p: ScanProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  return (p) => {
    if (p.total < 5 && p.bytesTotal < 200 * 1024 * 1024 && totalHint.files < 5) return;
    const now = Date.now();
    if (now - last < 100 && p.done < p.total) return;
    last = now;
    const width = 30;
    const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.done / Math.max(1, p.total);
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, ' ');
    const mb = (n: number): string => (n / 1024 ** 2).toFixed(0);
    stream.write(`\r[${bar}] ${p.done}/${p.total} files, ${mb(p.bytesDone)}/${mb(p.bytesTotal)} MiB`);
    if (p.done === p.total) stream.write('\n');
  };
}
