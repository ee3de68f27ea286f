/**
 * Captures a child's output stream without trusting its size: keeps the first `keepBytes`, only counts the rest, and
 * reports when the total passes `killAfterBytes` so the caller can stop a program that prints gigabytes (memory stays
 * flat whatever the program writes).
 */
export class BoundedOutput {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private total = 0;

  constructor(
    private readonly keepBytes: number,
    private readonly killAfterBytes: number,
  ) {}

  /** Adds a chunk; false once the total has passed the kill limit. */
  push(chunk: Buffer): boolean {
    this.total += chunk.length;
    const room = this.keepBytes - this.keptBytes;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      // Copy: a subarray would pin the whole (possibly large) chunk in memory.
      this.kept.push(Buffer.from(part));
      this.keptBytes += part.length;
    }
    return this.total <= this.killAfterBytes;
  }

  get totalBytes(): number {
    return this.total;
  }

  get overLimit(): boolean {
    return this.total > this.killAfterBytes;
  }

  /** The kept bytes as text, with a note of how much was cut off. */
  text(): string {
    const head = Buffer.concat(this.kept).toString('utf8');
    const dropped = this.total - this.keptBytes;
    return dropped > 0 ? `${head}\n[… ${dropped} more bytes not shown]` : head;
  }
}
