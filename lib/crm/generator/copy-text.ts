/**
 * Bulk load through `COPY ... FROM STDIN` in PostgreSQL's text format, streamed:
 * rows are produced on demand as the socket drains (Readable.from honours
 * backpressure), so memory stays flat however large the table is.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

export type CopyValue = string | number | boolean | null | Buffer;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function encodeValue(value: CopyValue): string {
  if (value === null) return "\\N";
  if (typeof value === "string") {
    return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c) : value;
  }
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") return String(value);
  // bytea hex form; the backslash itself is escaped for the text format.
  return `\\\\x${value.toString("hex")}`;
}

/** One COPY text line, newline included. */
function copyLine(values: readonly CopyValue[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += "\t";
    line += encodeValue(values[i] ?? null);
  }
  return line + "\n";
}

export interface CopyResult {
  rows: number;
  /** Characters sent (text format: bytea counts twice, as hex). */
  chars: number;
}

const CHUNK_CHARS = 256 * 1024;

/**
 * COPYs `rows` (one value array per row) into `table`. `onRows` is called as
 * chunks are handed to the socket, for progress reporting.
 */
export async function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
  onRows?: (rows: number) => void,
): Promise<CopyResult> {
  const result: CopyResult = { rows: 0, chars: 0 };
  function* chunks(): Generator<string> {
    let chunk = "";
    let inChunk = 0;
    for (const row of rows) {
      chunk += copyLine(row);
      inChunk++;
      if (chunk.length >= CHUNK_CHARS) {
        result.rows += inChunk;
        result.chars += chunk.length;
        onRows?.(inChunk);
        yield chunk;
        chunk = "";
        inChunk = 0;
      }
    }
    if (inChunk > 0) {
      result.rows += inChunk;
      result.chars += chunk.length;
      onRows?.(inChunk);
      yield chunk;
    }
  }
  const columnList = columns.map((c) => `"${c}"`).join(", ");
  const sink = client.query(copyFrom(`COPY "${table}" (${columnList}) FROM STDIN`));
  await pipeline(Readable.from(chunks(), { objectMode: false }), sink);
  return result;
}
