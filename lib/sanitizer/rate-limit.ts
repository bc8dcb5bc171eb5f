/**
 * An optional cap on how fast one run reads production (COPY_RATE_LIMIT_MBPS, or
 * per run): every stream of the run draws from one budget, so the cap holds for
 * the run as a whole. Pausing the stream applies backpressure all the way back to
 * production's COPY, which then simply waits to send: production's CPU and disk
 * are spared, and its own queries keep their latency (see `npm run bench:impact`).
 */
import { Transform, type TransformCallback } from "node:stream";

export class RateLimit {
  private readonly started = Date.now();
  private bytes = 0;
  constructor(readonly bytesPerSecond: number) {}

  /** Resolves once `n` more bytes fit within the rate since the run began. */
  async take(n: number): Promise<void> {
    this.bytes += n;
    const dueAt = this.started + (this.bytes / this.bytesPerSecond) * 1000;
    const wait = dueAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

export function rateLimitFromMegabytes(megabytesPerSecond: number | undefined): RateLimit | undefined {
  return megabytesPerSecond && megabytesPerSecond > 0 ? new RateLimit(megabytesPerSecond * 1024 * 1024) : undefined;
}

export class ThrottledStream extends Transform {
  constructor(private readonly limit: RateLimit) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.limit.take(chunk.length).then(() => callback(null, chunk), callback);
  }
}
