/**
 * Rewrites chosen columns of a COPY text stream on its way from production to the
 * sandbox: whole rows are cut at newlines (never inside a UTF-8 character: 0x0a is
 * never part of one), the chosen fields decoded, rewritten, encoded; every other
 * byte passes as it came. Only the rows of the chunk in flight are held, plus the
 * unfinished row at its end, so memory stays flat whatever the table size.
 */
import { Transform, type TransformCallback } from "node:stream";
import { decodeField, encodeField, NULL_FIELD } from "./copy-text";

export interface FieldRewrite {
  /** Position of the field in the row. */
  index: number;
  /** What the report counts it under. */
  key: string;
  rewrite: (value: string) => string;
}

const NEWLINE = 0x0a;

export class RewriteStream extends Transform {
  /** Values changed, per field key. */
  readonly changed = new Map<string, number>();
  private carry: Buffer | null = null;

  private readonly fields: readonly FieldRewrite[];

  constructor(fields: readonly FieldRewrite[]) {
    super();
    // In row order: each row is walked once, up to the last field rewritten.
    this.fields = [...fields].sort((a, b) => a.index - b.index);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = data.lastIndexOf(NEWLINE) + 1;
    this.carry = end < data.length ? Buffer.from(data.subarray(end)) : null;
    if (end === 0) return callback();
    try {
      callback(null, Buffer.from(this.rewriteRows(data.toString("utf8", 0, end)), "utf8"));
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    // COPY's text output ends every row with a newline: anything left is a cut-off stream.
    callback(this.carry?.length ? new Error("the copy's data stream ended inside a row") : null);
  }

  private rewriteRows(text: string): string {
    const rows = text.split("\n");
    for (let i = 0; i < rows.length - 1; i++) rows[i] = this.rewriteRow(rows[i]!);
    return rows.join("\n");
  }

  /** The row with its chosen fields rewritten; built only when one changes (most rows of free text do not). */
  private rewriteRow(row: string): string {
    let out = "";
    let copiedTo = 0;
    let index = 0;
    let start = 0;
    for (const f of this.fields) {
      for (; index < f.index; index++) {
        const tab = row.indexOf("\t", start);
        if (tab === -1) return copiedTo === 0 ? row : out + row.slice(copiedTo);
        start = tab + 1;
      }
      const tab = row.indexOf("\t", start);
      const end = tab === -1 ? row.length : tab;
      const field = row.slice(start, end);
      if (field === NULL_FIELD) continue;
      const value = decodeField(field);
      const rewritten = value.trim() === "" ? value : f.rewrite(value);
      if (rewritten === value) continue;
      out += row.slice(copiedTo, start) + encodeField(rewritten);
      copiedTo = end;
      this.changed.set(f.key, (this.changed.get(f.key) ?? 0) + 1);
    }
    return copiedTo === 0 ? row : out + row.slice(copiedTo);
  }
}
