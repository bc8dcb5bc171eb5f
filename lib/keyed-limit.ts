/**
 * At most `limit` pieces of work at once per key; the rest wait their turn, first come
 * first served. Nothing is refused: a wait ends when the work ahead of it does, and that
 * work is itself bounded by its caller.
 */
export class KeyedLimit {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit: number) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(key);
    try {
      return await work();
    } finally {
      this.release(key);
    }
  }

  /** How many run now under `key` (for tests and metrics). */
  runningFor(key: string): number {
    return this.running.get(key) ?? 0;
  }

  private acquire(key: string): Promise<void> {
    const running = this.running.get(key) ?? 0;
    if (running < this.limit) {
      this.running.set(key, running + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]));
  }

  /** The slot goes to the next in line, if any: it never counts as free in between. */
  private release(key: string): void {
    const queue = this.waiting.get(key);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.waiting.delete(key);
    if (next) return next();
    const running = (this.running.get(key) ?? 1) - 1;
    if (running === 0) this.running.delete(key);
    else this.running.set(key, running);
  }
}
