/**
 * The sandbox side of a table's copy (`COPY … FROM STDIN`), begun only once production's
 * first row has come. From PostgreSQL 15 on, every DROP DATABASE on a server waits until
 * each session there has taken its request to close the dropped files, and a session in
 * the middle of a COPY, waiting for data, takes it only when its next data comes. Begun
 * with production's COPY, a copy's session on the sandbox server waited through all that
 * production took to give the first row (a filtered scan, a table locked in production,
 * up to its lock_timeout), and held every drop on the server meanwhile: other tenants'
 * deletions, refreshes and stopped runs. Once rows flow, a drop waits at most for the next
 * chunk; a production that stops mid-table is bounded by the copy's pace (copy-pace.ts).
 */
import { Writable } from "node:stream";

/** What pg-copy-streams' COPY FROM stream gives: a writable, and the rows the server loaded once it has finished. */
export interface CopyIn extends Writable {
  rowCount: number;
}

/** The bytes a binary COPY begins with (signature, flags, header extension length) before its first row. */
export const BINARY_COPY_HEADER_BYTES = 19;

export class CopyInWhenRowsCome extends Writable {
  private into: CopyIn | null = null;
  private held: Buffer[] = [];
  private heldBytes = 0;

  /**
   * `begin` starts the COPY on the sandbox session. `headerBytes`: what production sends
   * before its first row (a binary COPY's header), held until a row follows it.
   */
  constructor(
    private readonly begin: () => CopyIn,
    private readonly headerBytes = 0,
  ) {
    super();
  }

  /** The rows the sandbox server loaded: none when production sent none. */
  get rowCount(): number {
    return this.into?.rowCount ?? 0;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.into) return this.forward(this.into, chunk, callback);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes <= this.headerBytes) return callback();
    this.forward(this.started(), this.takeHeld(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Nothing at all came (a text COPY of no rows): there is nothing to load.
    if (!this.into && this.heldBytes === 0) return callback();
    const into = this.into ?? this.started();
    if (this.heldBytes > 0) into.write(this.takeHeld());
    into.once("finish", () => callback());
    into.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const into = this.into;
    // A COPY under way is failed on the server (its stream sends CopyFail), and its session is
    // free again only once the server has answered: waited for, as when it was the pipeline's own.
    if (!into || into.closed) return callback(error);
    into.once("close", () => callback(error));
    into.destroy(error ?? undefined);
  }

  private started(): CopyIn {
    const into = this.begin();
    into.on("error", (error) => this.destroy(error));
    this.into = into;
    return into;
  }

  private forward(into: CopyIn, chunk: Buffer, callback: () => void): void {
    if (into.write(chunk)) callback();
    else into.once("drain", callback);
  }

  private takeHeld(): Buffer {
    const joined = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    return joined;
  }
}
