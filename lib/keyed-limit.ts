/**
 * At most `limit` pieces of work at once per key; the rest wait their turn, first come
 * first served. A wait ends when the work ahead of it does (that work is bounded by its
 * caller), or, given `waitMs`, with WaitTooLong once it has waited that long: work that
 * may call itself again for the same key (a read inside a read) cannot wait for good.
 */
export class KeyedLimit {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit: number) {}

  async run<T>(key: string, work: () => Promise<T>, { waitMs }: { waitMs?: number } = {}): Promise<T> {
    await this.acquire(key, waitMs);
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

  private acquire(key: string, waitMs: number | undefined): Promise<void> {
    const running = this.running.get(key) ?? 0;
    if (running < this.limit) {
      this.running.set(key, running + 1);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(key) ?? [];
      this.waiting.set(key, queue);
      const timer = waitMs === undefined ? undefined : setTimeout(() => {
        // Out of the line: the slot it never got goes to whoever is next.
        const at = queue.indexOf(turn);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0 && this.waiting.get(key) === queue) this.waiting.delete(key);
        reject(new WaitTooLong());
      }, waitMs);
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      queue.push(turn);
    });
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

/** A KeyedLimit wait that lasted its `waitMs`. */
export class WaitTooLong extends Error {
  constructor() {
    super("waited too long for a turn");
    this.name = "WaitTooLong";
  }
}
