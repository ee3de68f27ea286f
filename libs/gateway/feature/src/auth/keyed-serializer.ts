/**
 * Runs tasks that share a key one after another (tasks with different keys run freely). Idle keys hold no memory:
 * a key's entry is dropped when its last queued task settles.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a task running or queued (for tests and health metrics). */
  get activeKeys(): number {
    return this.tails.size;
  }
}
