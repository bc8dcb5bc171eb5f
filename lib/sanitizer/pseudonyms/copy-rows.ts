/**
 * COPY text rows walked as bytes: chunks cut at row ends, and the chosen fields of
 * each row found as byte ranges, so only those become strings. The copy's rewriting
 * and rule 18's check read every personal column of hundreds of thousands of rows;
 * decoding whole chunks to strings, split into rows and fields, cost them as much as
 * the values' own work (a ticket message's long body beside its one address).
 */
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { formatBytes } from "../../format";
import { decodeField } from "./copy-text";
import { cannotPseudonymise } from "./refusal";

const NEWLINE = 0x0a;
const TAB = 0x09;
const BACKSLASH = 0x5c;
const N = 0x4e;

/**
 * The longest row read whole. Production is untrusted input: a row costs the worker
 * some ten times its size while its fields are decoded, rewritten and encoded, and one
 * of 450 MB (PostgreSQL allows a field of 1 GB) took a copy to 4 GB, enough for two to
 * take the machine's memory from every other tenant's run. At this limit a copy's two
 * streams stay under a gigabyte; a real e-mail or ticket body, inline images and all,
 * is well under it.
 */
export const MAX_ROW_BYTES = 32 * 1024 * 1024;

/**
 * The longest value the copy's rewriting may write, and the longest row rule 18's check
 * reads: pseudonyms may be longer than the names they replace, but production picks its
 * own names. A company named "Q" and a body of "q q q …" grew a 30 MB row past the
 * longest string a process can hold, taking the worker to 2 GB on its way.
 */
export const MAX_REWRITTEN_BYTES = 2 * MAX_ROW_BYTES;

/**
 * Thrown by a rewrite whose value grew past MAX_REWRITTEN_BYTES (counted in UTF-16 code
 * units, never more than its bytes): the copy fails, naming the column.
 */
export class RewrittenTooLong extends Error {
  override readonly name = "RewrittenTooLong";
}

/** Throws RewrittenTooLong once a value being rewritten is `length` units long, past `max`. */
export function assertRewrittenFits(length: number, max = MAX_REWRITTEN_BYTES): void {
  if (length > max) throw new RewrittenTooLong(`a rewritten value grew past ${max} characters`);
}

/**
 * The unfinished row at the end of a stream's chunks, chunk by chunk: joined once, when
 * its end may have come. A row is as long as production makes it, and joining at every
 * chunk copied a row of n chunks n times over. A row longer than `maxRowBytes` fails the
 * read; `subject` names such a row to the customer ("A row of ticket_message", "One of
 * production's company names").
 */
export class PendingRow {
  private parts: Buffer[] = [];
  bytes = 0;

  constructor(
    private readonly subject: string,
    private readonly maxRowBytes: number,
  ) {}

  hold(bytes: Buffer): void {
    this.bytes += bytes.length;
    this.assertFits(this.bytes);
    this.parts.push(bytes);
  }

  /** The bytes held and `chunk` after them, as one buffer; nothing is held any more. */
  joinWith(chunk: Buffer): Buffer {
    const data = this.parts.length ? Buffer.concat([...this.parts, chunk]) : chunk;
    this.parts = [];
    this.bytes = 0;
    return data;
  }

  /** The rest of `data` from `end` on, held as the next unfinished row: copied, since a slice would keep the whole chunk alive. */
  holdRest(data: Buffer, end: number): void {
    if (end < data.length) this.hold(Buffer.from(data.subarray(end)));
  }

  assertFits(rowBytes: number): void {
    if (rowBytes <= this.maxRowBytes) return;
    throw cannotPseudonymise(`${this.subject} is larger than ${formatBytes(this.maxRowBytes)}: too large to pseudonymise`);
  }
}

/** The whole rows of a stream of chunks: a chunk may end inside a row (or a UTF-8 character), which waits for the next. */
export class RowChunks {
  private readonly row: PendingRow;

  /** `subject` and `maxRowBytes` as PendingRow takes them. */
  constructor(subject: string, maxRowBytes = MAX_ROW_BYTES) {
    this.row = new PendingRow(subject, maxRowBytes);
  }

  /** The data to walk and where its last whole row ends (0: no whole row yet). */
  push(chunk: Buffer): { data: Buffer; end: number } {
    const newline = chunk.lastIndexOf(NEWLINE);
    if (newline === -1) {
      this.row.hold(chunk);
      return { data: chunk, end: 0 };
    }
    // The unfinished row ends in this chunk: all of it counts, up to its newline.
    if (this.row.bytes > 0) this.row.assertFits(this.row.bytes + chunk.indexOf(NEWLINE) + 1);
    const data = this.row.joinWith(chunk);
    const end = data.length - chunk.length + newline + 1;
    this.row.holdRest(data, end);
    return { data, end };
  }

  /** COPY's text output ends every row with a newline: anything left is a cut-off stream. */
  finish(): void {
    if (this.row.bytes > 0) throw new Error("the copy's data stream ended inside a row");
  }
}

/** Calls `visit(chosen, start, end)` for each chosen field of each row: `chosen` its position in the list. */
export type FieldVisitor = (chosen: number, start: number, end: number) => void;

export class FieldWalker {
  private readonly indices: readonly number[];

  /** `indices`: the chosen fields' positions in the row, in ascending order. */
  constructor(indices: readonly number[]) {
    if (indices.some((index, i) => i > 0 && index <= indices[i - 1]!)) throw new Error("the chosen fields must be in row order");
    this.indices = indices;
  }

  /**
   * The chosen fields of the whole rows in `data`'s first `end` bytes, row by row, in
   * order; a row's fields after the last chosen one are skipped unread. A row with
   * fewer fields than a chosen position (COPY never writes one) gives only those it has.
   */
  walk(data: Buffer, end: number, visit: FieldVisitor): void {
    const indices = this.indices;
    let pos = 0;
    while (pos < end) {
      let index = 0;
      let start = pos;
      // Found on the way when the last field read ends the row.
      let rowEnd = -1;
      for (let chosen = 0; chosen < indices.length && rowEnd === -1; chosen++) {
        const wanted = indices[chosen]!;
        let i = start;
        for (;;) {
          const c = data[i];
          if (c === TAB) {
            if (index === wanted) break;
            index++;
            start = i + 1;
          } else if (c === NEWLINE) {
            rowEnd = i;
            break;
          }
          i++;
        }
        if (index !== wanted) break;
        visit(chosen, start, i);
        index++;
        start = i + 1;
      }
      pos = (rowEnd === -1 ? data.indexOf(NEWLINE, start) : rowEnd) + 1;
    }
  }
}

/** Whether the field is `\N`, NULL. */
export const isNullField = (data: Buffer, start: number, end: number) => end - start === 2 && data[start] === BACKSLASH && data[start + 1] === N;

/** The value a (non-NULL) field stands for. */
export const fieldValue = (data: Buffer, start: number, end: number) => decodeField(data.toString("utf8", start, end));

/** Each chunk of whole rows of a `COPY … TO STDOUT`, one in memory at a time; `subject` and `maxRowBytes` as RowChunks takes them. */
async function forEachRowChunk(
  client: pg.ClientBase,
  sql: string,
  subject: string,
  visit: (data: Buffer, end: number) => void,
  maxRowBytes = MAX_ROW_BYTES,
): Promise<void> {
  const rows = new RowChunks(subject, maxRowBytes);
  for await (const chunk of client.query(copyTo(sql)) as AsyncIterable<Buffer>) {
    const { data, end } = rows.push(chunk);
    if (end > 0) visit(data, end);
  }
  rows.finish();
}

/** Each row of a `COPY … TO STDOUT` as its raw line: a one-column row's field. */
export async function forEachCopyLine(client: pg.ClientBase, sql: string, subject: string, visit: (line: string) => void): Promise<void> {
  await forEachRowChunk(client, sql, subject, (data, end) => {
    const lines = data.toString("utf8", 0, end).split("\n");
    // The text ends with a row's newline: the last piece is empty.
    for (let i = 0; i < lines.length - 1; i++) visit(lines[i]!);
  });
}
