/**
 * COPY's binary format walked as bytes, for the copy's rewriting (rewrite-stream.ts):
 * after a header, each row is a 16-bit field count (-1 ends the stream), then per field
 * a 32-bit length (-1 for NULL) and that many bytes. A text value's bytes are its UTF-8,
 * with nothing escaped. Production prints nothing as text and the sandbox server parses
 * nothing: on the medium production's personal tables that is half of both servers' CPU.
 *
 * Rows have no end mark, so whole rows are found by walking the lengths; a row cut by a
 * chunk's end waits for the next, and one longer than MAX_ROW_BYTES fails as in text.
 */
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { BINARY_EXTENSION_LENGTH_AT, BINARY_HEADER_BYTES } from "../copy-row-counters";
import { MAX_ROW_BYTES, PendingRow, type FieldVisitor } from "./copy-rows";
/** A field's length before its bytes. */
export const BINARY_LENGTH_BYTES = 4;

/** The whole rows of a binary COPY stream's chunks: the same contract as RowChunks (copy-rows.ts). */
export class BinaryRowChunks {
  /** The unfinished row (a long value spans many chunks): joined once it can be whole. */
  private readonly row: PendingRow;
  /** The bytes the unfinished row needs at least, as far as its lengths read so far tell. */
  private needBytes = 0;
  private headerRead = false;
  private ended = false;

  /** `subject` and `maxRowBytes` as PendingRow takes them. */
  constructor(subject: string, maxRowBytes = MAX_ROW_BYTES) {
    this.row = new PendingRow(subject, maxRowBytes);
  }

  /** The data, where its rows start (after the header) and where its last whole row ends: [start, end) holds whole rows. */
  push(chunk: Buffer): { data: Buffer; start: number; end: number } {
    if (this.row.bytes + chunk.length < this.needBytes) {
      this.row.hold(chunk);
      return { data: chunk, start: 0, end: 0 };
    }
    const data = this.row.joinWith(chunk);
    this.needBytes = 0;
    let start = 0;
    if (!this.headerRead) {
      const headerEnd = data.length >= BINARY_HEADER_BYTES ? BINARY_HEADER_BYTES + data.readUInt32BE(BINARY_EXTENSION_LENGTH_AT) : Infinity;
      if (data.length < headerEnd) {
        this.row.hold(Buffer.from(data));
        return { data, start: 0, end: 0 };
      }
      this.headerRead = true;
      start = headerEnd;
    }
    let end = start;
    while (!this.ended && end < data.length) {
      const rowEnd = this.rowEnd(data, end);
      if (rowEnd < 0) {
        this.needBytes = -rowEnd - end;
        break;
      }
      end = rowEnd;
    }
    this.row.holdRest(data, end);
    // A row that says it is longer than a copy rewrites fails before its bytes come.
    this.row.assertFits(this.needBytes);
    return { data, start, end };
  }

  /** A stream ends with its trailer: anything else is a cut-off stream. */
  finish(): void {
    if (!this.ended || this.row.bytes > 0) throw new Error("the copy's data stream ended inside a row");
  }

  /**
   * Where the row at `at` ends; when it does not end within `data`, minus the length
   * `data` would need for it to (at least). The trailer ends the stream.
   */
  private rowEnd(data: Buffer, at: number): number {
    if (at + 2 > data.length) return -(at + 2);
    const fields = data.readInt16BE(at);
    if (fields < 0) {
      this.ended = true;
      return at + 2;
    }
    let p = at + 2;
    for (let i = 0; i < fields; i++) {
      if (p + BINARY_LENGTH_BYTES > data.length) return -(p + BINARY_LENGTH_BYTES);
      const length = data.readInt32BE(p);
      p += BINARY_LENGTH_BYTES + Math.max(0, length);
      if (p > data.length) return -p;
    }
    return p;
  }
}

/** Each chunk of whole rows of a `COPY … TO STDOUT (FORMAT binary)`, one in memory at a time; `subject` and `maxRowBytes` as BinaryRowChunks takes them. */
export async function forEachBinaryRowChunk(
  client: pg.ClientBase,
  sql: string,
  subject: string,
  visit: (data: Buffer, start: number, end: number) => void,
  maxRowBytes = MAX_ROW_BYTES,
): Promise<void> {
  const rows = new BinaryRowChunks(subject, maxRowBytes);
  for await (const chunk of client.query(copyTo(sql)) as AsyncIterable<Buffer>) {
    const { data, start, end } = rows.push(chunk);
    if (end > start) visit(data, start, end);
  }
  rows.finish();
}

/** Calls `visit(chosen, start, end)` with each chosen field's value bytes of each whole row; NULLs are skipped. */
export class BinaryFieldWalker {
  constructor(private readonly indices: readonly number[]) {
    if (indices.some((index, i) => i > 0 && index <= indices[i - 1]!)) throw new Error("the chosen fields must be in row order");
  }

  /** The rows in [start, end) of `data`, as BinaryRowChunks found them. */
  walk(data: Buffer, start: number, end: number, visit: FieldVisitor): void {
    const indices = this.indices;
    let p = start;
    while (p < end) {
      const fields = data.readInt16BE(p);
      p += 2;
      if (fields < 0) return;
      let chosen = 0;
      for (let i = 0; i < fields; i++) {
        const length = data.readInt32BE(p);
        p += BINARY_LENGTH_BYTES;
        if (chosen < indices.length && indices[chosen] === i) {
          if (length >= 0) visit(chosen, p, p + length);
          chosen++;
        }
        if (length > 0) p += length;
      }
    }
  }
}
