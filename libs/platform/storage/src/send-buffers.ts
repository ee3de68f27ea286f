/**
 * Send buffers shared by every FileSpan sent from this process. A download cycles through two buffers; with a fresh
 * pair per download, 100 concurrent downloads held 200 MiB of them, the embedded process's whole memory target
 * (bench/RESULTS.md, "Downloads: send buffers from one bounded pool"). The pool lends at most `maxBuffers` full-size
 * buffers at once and keeps returned ones for the next download (no allocation, no page faults); a download that
 * finds it empty sends through small buffers of its own instead of waiting. Once nothing has been lent for
 * `idleMs`, the kept buffers are let go, so an idle process does not hold them.
 */
export class SendBufferPool {
  private readonly kept: Buffer[] = [];
  private lentCount = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly bufferBytes: number,
    private readonly maxBuffers: number,
    private readonly idleMs: number,
  ) {}

  /** A full-size buffer, or null when `maxBuffers` are lent out already. */
  take(): Buffer | null {
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    const buffer = this.kept.pop() ?? (this.lentCount < this.maxBuffers ? Buffer.allocUnsafeSlow(this.bufferBytes) : null);
    if (buffer !== null) this.lentCount += 1;
    return buffer;
  }

  /** Gives a buffer back for reuse. Only once nothing (a socket write still in flight) refers to it any more. */
  give(buffer: Buffer): void {
    this.kept.push(buffer);
    this.release();
  }

  /** Ends a loan whose buffer may still be referenced (a send that failed mid-write): it is left to the GC. */
  drop(): void {
    this.release();
  }

  get lent(): number {
    return this.lentCount;
  }

  get keptCount(): number {
    return this.kept.length;
  }

  private release(): void {
    this.lentCount -= 1;
    if (this.lentCount > 0 || this.kept.length === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.lentCount === 0) this.kept.length = 0;
    }, this.idleMs);
    this.idleTimer.unref();
  }
}
