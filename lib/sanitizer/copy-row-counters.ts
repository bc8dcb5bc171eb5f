/**
 * Counts the rows of a COPY stream as it passes, for the progress bar; the target's
 * own count of rows loaded stays the authority. One counter per COPY format.
 */
import { Transform, type TransformCallback } from "node:stream";

export interface CopyCounters {
  rows: number;
  bytes: number;
}

/** Walks a COPY stream chunk by chunk: how many rows each chunk begins. */
interface RowWalker {
  rowsIn(chunk: Buffer): number;
  /** The rows' bytes the chunk last walked completed, where the format has bytes of its own; else the chunk's length counts. */
  readonly rowBytes?: number;
}

abstract class RowCounter extends Transform {
  readonly counters: CopyCounters = { rows: 0, bytes: 0 };
  constructor(
    private readonly rows: RowWalker,
    private readonly onChunk: (c: CopyCounters) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // An exception thrown out of a transform is the process's, not the pipeline's: passed on instead.
    try {
      this.counters.rows += this.rows.rowsIn(chunk);
      this.counters.bytes += this.rows.rowBytes ?? chunk.length;
      this.onChunk(this.counters);
    } catch (error) {
      return callback(error as Error);
    }
    callback(null, chunk);
  }
}

const NEWLINE = 0x0a;

/** Text format: every row ends with a newline, and newlines inside values are escaped as `\n`. */
class TextRows implements RowWalker {
  rowsIn(chunk: Buffer): number {
    let rows = 0;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) rows++;
    return rows;
  }
}

/** In text, where a chunk's last row ends (just past its newline); -1 when none ends in it. */
export function lastTextRowEnd(chunk: Buffer): number {
  const newline = chunk.lastIndexOf(NEWLINE);
  return newline === -1 ? -1 : newline + 1;
}

export class TextRowCounter extends RowCounter {
  constructor(onChunk: (c: CopyCounters) => void) {
    super(new TextRows(), onChunk);
  }
}

/** The binary format's fixed header: signature (11 bytes), flags (4), then the length of an extension area (4). */
export const BINARY_HEADER_BYTES = 19;
/** Where in the header the extension area's length is. */
export const BINARY_EXTENSION_LENGTH_AT = 15;

/**
 * Binary format: after the header, each row is a 16-bit field count (-1 ends the
 * stream), then per field a 32-bit length (-1 for NULL) and that many bytes. The
 * walk reads only the counts and lengths and jumps over the values; a count or
 * length split between two chunks is put together in `scratch`. Its bytes are the rows'
 * only (`rowBytes`): the header, its extension area and the end mark are the format's own, and
 * counted they made an empty table's copy "21 B streamed".
 */
export class BinaryRows implements RowWalker {
  private state: "header" | "row" | "field" | "end" = "header";
  private need = BINARY_HEADER_BYTES;
  private readonly scratch = Buffer.alloc(BINARY_HEADER_BYTES);
  private filled = 0;
  private skip = 0;
  private fieldsLeft = 0;
  /** Whether `skip` passes the header's extension area, not a value. */
  private inExtension = false;
  /** Bytes of a field count read so far: a row's once it is whole and begins a row, the end mark's otherwise. */
  private countBytes = 0;

  /** The rows' bytes the chunk last walked completed (a field count split between chunks counts where it ends). */
  rowBytes = 0;

  /** Whether the end mark has passed. */
  get ended(): boolean {
    return this.state === "end";
  }

  /**
   * In the chunk last walked, the offset just past its last row's end (the header's end and
   * the end mark count as such): a COPY could end there. -1 when none ends in it.
   */
  lastRowEnd = -1;

  rowsIn(chunk: Buffer): number {
    let rows = 0;
    let at = 0;
    this.lastRowEnd = -1;
    this.rowBytes = 0;
    while (at < chunk.length && this.state !== "end") {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        if (!this.inExtension) this.rowBytes += n;
        else if (this.skip === 0) this.inExtension = false;
        if (this.skip === 0 && this.state === "row") this.lastRowEnd = at;
        continue;
      }
      let word: Buffer;
      let from: number;
      const state = this.state;
      let taken: number;
      if (this.filled === 0 && chunk.length - at >= this.need) {
        word = chunk; // the common case: the whole count or length lies in this chunk
        from = at;
        taken = this.need;
      } else {
        taken = Math.min(this.need - this.filled, chunk.length - at);
        chunk.copy(this.scratch, this.filled, at, at + taken);
        this.filled += taken;
        word = this.scratch;
        from = 0;
      }
      at += taken;
      if (state === "row") this.countBytes += taken;
      else if (state === "field") this.rowBytes += taken;
      if (word === this.scratch) {
        if (this.filled < this.need) break;
        this.filled = 0;
      }
      rows += this.advance(word, from);
      if (state === "row") {
        // A whole field count: a row's bytes, unless it was the end mark.
        if (!this.ended) this.rowBytes += this.countBytes;
        this.countBytes = 0;
      }
      // Between rows: a row's field count is expected and no value is left to pass, or the end mark has passed.
      if ((this.state === "row" && this.skip === 0) || this.ended) this.lastRowEnd = at;
    }
    return rows;
  }

  /** Takes the count, length or header just read; returns 1 when it began a row. */
  private advance(word: Buffer, from: number): number {
    if (this.state === "header") {
      this.skip = word.readInt32BE(from + BINARY_EXTENSION_LENGTH_AT);
      this.inExtension = this.skip > 0;
      return this.expectRow();
    }
    if (this.state === "row") {
      const fields = word.readInt16BE(from);
      if (fields < 0) {
        this.state = "end";
        return 0;
      }
      this.fieldsLeft = fields;
      if (fields > 0) this.expectField();
      return 1;
    }
    const length = word.readInt32BE(from);
    if (length > 0) this.skip = length;
    this.fieldsLeft--;
    if (this.fieldsLeft > 0) this.expectField();
    else this.expectRow();
    return 0;
  }

  private expectRow(): number {
    this.state = "row";
    this.need = 2;
    return 0;
  }

  private expectField(): void {
    this.state = "field";
    this.need = 4;
  }
}

export class BinaryRowCounter extends RowCounter {
  constructor(onChunk: (c: CopyCounters) => void) {
    super(new BinaryRows(), onChunk);
  }
}
