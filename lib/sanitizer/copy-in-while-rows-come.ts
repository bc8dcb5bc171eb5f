/**
 * The sandbox side of a table's copy (`COPY … FROM STDIN`), under way only while
 * production's rows come. From PostgreSQL 15 on, every DROP DATABASE on a server waits
 * until each session there has taken its request to close the dropped files, and a
 * session in the middle of a COPY, waiting for data, takes it only when its next data
 * comes. A copy's session on the sandbox server that waited mid-COPY on production held
 * every drop on that server meanwhile: other tenants' deletions, refreshes and stopped runs.
 * It waited through all production took to give the first row (a filtered scan, a table
 * locked there up to its lock_timeout), and through any pause after (a production that
 * hangs mid-table, until the copy's pace stops it: minutes).
 *
 * So the COPY begins with production's first whole row, and when no rows have come for
 * PAUSE_MS it is ended (a binary one with its end mark) and begun again with the next:
 * between the two, the session takes the server's requests. To end where a row ends, the
 * part of a row that production has sent so far is held back until the row is whole
 * (production's server sends in 8 KB pieces, so a pause mostly falls inside a row); a row
 * longer than MAX_HELD_BYTES is passed on as it comes, and a pause inside it ends nothing.
 * The rows loaded are the sum of each COPY's.
 */
import { Writable } from "node:stream";
import { BINARY_HEADER_BYTES, BinaryRows, lastTextRowEnd } from "./copy-row-counters";

/** What pg-copy-streams' COPY FROM stream gives: a writable, and the rows the server loaded once it has finished. */
export interface CopyIn extends Writable {
  rowCount: number;
}

/** How long production may give no rows before the sandbox's COPY is ended, to begin again with the next. */
export const PAUSE_MS = 1_000;
/** The most of an unfinished row held back; a longer row is passed on as it comes. */
export const MAX_HELD_BYTES = 1024 * 1024;
/** A binary COPY's end mark: a field count of -1. */
const BINARY_END = Buffer.from([0xff, 0xff]);

export class CopyInWhileRowsCome extends Writable {
  private into: CopyIn | null = null;
  /** A COPY being ended while production pauses: the next begins once it has. */
  private ending: Promise<void> | null = null;
  private loaded = 0;
  /** A binary stream's walk, which tells where its rows end; a text row ends at its newline. */
  private readonly binaryRows: BinaryRows | null;
  /** A binary COPY's header: taken off production's stream, and written at the start of each COPY. */
  private readonly header: Buffer[] = [];
  private headerLeft: number;
  /** The part of a row production has sent so far, held until the row is whole. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Whether what the current COPY was given ends where a row ends: it may be ended there. */
  private endsRow = true;
  /** When a chunk was last written, and whether one waits for the sandbox server to take it. */
  private lastWriteAt = 0;
  private writing = false;
  private readonly watch: NodeJS.Timeout;

  /** `begin` starts a COPY on the sandbox session, in `format`. */
  constructor(
    private readonly begin: () => CopyIn,
    format: "text" | "binary",
  ) {
    super();
    this.binaryRows = format === "binary" ? new BinaryRows() : null;
    this.headerLeft = format === "binary" ? BINARY_HEADER_BYTES : 0;
    // One timer for the stream, not one per chunk: a copy writes a hundred thousand chunks.
    this.watch = setInterval(() => this.restWhileProductionPauses(), PAUSE_MS / 4);
    this.watch.unref();
  }

  /** The rows the sandbox server loaded: none when production sent none. */
  get rowCount(): number {
    return this.loaded;
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.ending) {
      // A COPY that failed as it ended has destroyed this stream already: its error is the pipeline's.
      this.ending.then(
        () => (this.destroyed ? callback() : this._write(chunk, encoding, callback)),
        () => callback(),
      );
      return;
    }
    let rowEnd = this.rowEndIn(chunk);
    if (this.headerLeft > 0) {
      const part = chunk.subarray(0, this.headerLeft);
      this.header.push(part);
      this.headerLeft -= part.length;
      chunk = chunk.subarray(part.length);
      rowEnd -= part.length;
      // The header's own end is not a row's.
      if (rowEnd <= 0) rowEnd = -1;
    }
    if (rowEnd === -1) {
      this.hold(chunk);
      if (this.tailBytes <= MAX_HELD_BYTES) return callback();
      // A row too long to hold: passed on as it comes, and no COPY may end inside it.
      return this.send(this.takeTail(), false, callback);
    }
    const whole = [...this.takeTail(), chunk.subarray(0, rowEnd)];
    this.hold(chunk.subarray(rowEnd));
    this.send(whole, true, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    clearInterval(this.watch);
    void (async () => {
      await this.ending;
      // What production's stream ended with (nothing, when it ends as it should) is the server's to judge.
      if (this.tailBytes > 0) await new Promise<void>((resolve) => this.send(this.takeTail(), true, resolve));
      if (this.into) await this.finish(this.into, false);
      callback();
    })().catch(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearInterval(this.watch);
    // A COPY under way is failed on the server (its stream sends CopyFail). Not waited for, as the
    // pipeline never waited for it: a session lost or cut answers nothing, and the copy would hang.
    if (this.into && !this.into.destroyed) this.into.destroy(error ?? undefined);
    callback(error);
  }

  /** Writes `parts` into the current COPY, begun now if none is under way. */
  private send(parts: Buffer[], endsRow: boolean, callback: () => void): void {
    const bytes = parts.reduce((sum, part) => sum + part.length, 0);
    if (bytes === 0) return callback();
    // Only a binary stream's end mark, with no COPY under way: nothing is left to load.
    if (!this.into && this.binaryRows?.ended && bytes === BINARY_END.length) return callback();
    const into = this.into ?? this.started();
    this.endsRow = endsRow;
    this.lastWriteAt = performance.now();
    let ready = true;
    for (const part of parts) if (part.length > 0) ready = into.write(part);
    if (ready) return callback();
    this.writing = true;
    into.once("drain", () => {
      this.writing = false;
      this.lastWriteAt = performance.now();
      callback();
    });
  }

  private started(): CopyIn {
    const into = this.begin();
    into.on("error", (error) => this.destroy(error));
    for (const part of this.header) into.write(part);
    this.into = into;
    return into;
  }

  /** Production has given no rows for PAUSE_MS, and the COPY's last row is whole: it ends, and the next rows begin another. */
  private restWhileProductionPauses(): void {
    const into = this.into;
    if (!into || this.ending || this.writing || this.destroyed || !this.endsRow) return;
    if (performance.now() - this.lastWriteAt < PAUSE_MS) return;
    this.into = null;
    // A binary COPY ended between rows needs the end mark; one past production's own has it.
    const endMark = this.binaryRows !== null && !this.binaryRows.ended;
    this.ending = this.finish(into, endMark).finally(() => {
      this.ending = null;
    });
    this.ending.catch(() => undefined); // its error destroys this stream (started)
  }

  /**
   * Ends `into` and counts what it loaded. `endMark`: a binary COPY ended between production's
   * rows gets the end mark production would send; at production's own end it has passed already.
   */
  private finish(into: CopyIn, endMark: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      into.once("finish", () => {
        this.loaded += into.rowCount;
        if (this.into === into) this.into = null;
        resolve();
      });
      into.once("error", reject);
      if (endMark) into.write(BINARY_END);
      into.end();
    });
  }

  /** Where in `chunk` its last whole row ends, -1 when none does (a binary stream is walked for it). */
  private rowEndIn(chunk: Buffer): number {
    if (!this.binaryRows) return lastTextRowEnd(chunk);
    this.binaryRows.rowsIn(chunk);
    return this.binaryRows.lastRowEnd;
  }

  private hold(part: Buffer): void {
    if (part.length === 0) return;
    this.tail.push(part);
    this.tailBytes += part.length;
  }

  private takeTail(): Buffer[] {
    const parts = this.tail;
    this.tail = [];
    this.tailBytes = 0;
    return parts;
  }
}
