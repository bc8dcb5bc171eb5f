/**
 * Joins the chunks of a rewritten COPY on their way to the sandbox server into writes
 * of at least COALESCED_BYTES. Production's COPY arrives in the chunks its socket reads
 * give, 9–15 KB on average, and pg-copy-streams writes each to the sandbox server's
 * socket as two system calls (the CopyData header, then the chunk). A pseudonymised
 * copy's one thread is its bottleneck, and those calls were a twentieth of its time.
 * (A copy that rewrites nothing is not held up by its thread, and joining cost it time.)
 */
import { Transform, type TransformCallback } from "node:stream";

export const COALESCED_BYTES = 128 * 1024;

export class CoalescingStream extends Transform {
  private parts: Buffer[] = [];
  private size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // A chunk as large as a write passes as it is, unless smaller ones wait before it.
    if (this.size === 0 && chunk.length >= COALESCED_BYTES) return callback(null, chunk);
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size < COALESCED_BYTES) return callback();
    callback(null, this.joinParts());
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.size > 0 ? this.joinParts() : undefined);
  }

  private joinParts(): Buffer {
    const joined = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return joined;
  }
}
