/**
 * Rewrites chosen columns of a COPY stream on its way from production to the sandbox,
 * in the text format (copy-rows.ts: whole rows cut at newlines, never inside a UTF-8
 * character, since 0x0a is never part of one) or the binary one (binary-rows.ts: whole
 * rows found by their fields' lengths). The chosen fields are decoded, rewritten and
 * encoded; every other byte passes as it came, never decoded. Only the rows of the chunk
 * in flight are held, plus the unfinished row at its end, so memory stays flat whatever
 * the table size.
 */
import { Transform, type TransformCallback } from "node:stream";
import { formatBytes } from "../../format";
import { BINARY_LENGTH_BYTES, BinaryFieldWalker, BinaryRowChunks } from "./binary-rows";
import { encodeField } from "./copy-text";
import { fieldValue, FieldWalker, isNullField, MAX_REWRITTEN_BYTES, RewrittenTooLong, RowChunks, type FieldVisitor } from "./copy-rows";
import type { FieldResults } from "./field-results";
import { cannotPseudonymise } from "./refusal";

export interface FieldRewrite {
  /** Position of the field in the row. */
  index: number;
  /** The column's name, as a value too long to rewrite is named. */
  column: string;
  /**
   * The longest value rewritten, in bytes as COPY writes it: longer ones fail the copy.
   * Names, numbers and addresses are short; production's were read only up to this.
   */
  maxValueBytes?: number;
  /** What the report counts it under. */
  key: string;
  rewrite: (value: string) => string;
  /** The column's results kept by its fields' bytes, when its values repeat. */
  results?: FieldResults;
}

/** The tags of a kept result. */
const UNCHANGED = 0;
const CHANGED = 1;

const BACKSLASH = 0x5c;
const NOTHING = Buffer.alloc(0);
/** Spans of a row up to this many bytes are copied a byte at a time: a call into C++ costs more. */
const SHORT_COPY = 64;
/** The characters encodeField escapes, by code, to the letter after the backslash. */
const ESCAPED = new Uint8Array(128);
ESCAPED[0x5c] = 0x5c;
ESCAPED[0x09] = 0x74;
ESCAPED[0x0a] = 0x6e;
ESCAPED[0x0d] = 0x72;
/** A UTF-8 character is at most three bytes per UTF-16 code unit, and escaping doubles a character. */
const MAX_BYTES_PER_UNIT = 6;

/** COPY's two formats, as this stream reads and writes a field. */
export type CopyFormat = "text" | "binary";

/** Whole rows of a stream, [start, end) of each chunk's data. */
interface Rows {
  push(chunk: Buffer): { data: Buffer; start?: number; end: number };
  finish(): void;
}

export class RewriteStream extends Transform {
  /** Values changed, per field key. */
  readonly changed = new Map<string, number>();
  private readonly rows: Rows;
  private readonly fields: readonly FieldRewrite[];
  private readonly walk: (data: Buffer, start: number, end: number, visit: FieldVisitor) => void;
  private readonly binary: boolean;
  /** The bytes before a field's value that are written anew with it: a binary field's length. */
  private readonly prefix: number;
  private readonly visit: FieldVisitor;
  /** Per field, in `fields`' order: values changed in the chunk in flight. */
  private readonly counts: number[];

  /** The chunk in flight, and how far it has been carried into `out` (nothing, while nothing has changed). */
  private data: Buffer = Buffer.alloc(0);
  private copiedTo = 0;
  /** The rewritten chunk, made at its first change: each chunk passed on is a buffer of its own. */
  private out: Buffer = NOTHING;
  private outLength = 0;

  /** `table`: the table whose rows these are, as a row too large to rewrite is named. */
  constructor(
    private readonly table: string,
    fields: readonly FieldRewrite[],
    format: CopyFormat = "text",
  ) {
    super();
    this.binary = format === "binary";
    this.prefix = this.binary ? BINARY_LENGTH_BYTES : 0;
    const subject = `A row of ${table}`;
    this.rows = this.binary ? new BinaryRowChunks(subject) : new RowChunks(subject);
    // In row order: each row is walked once, up to the last field rewritten.
    this.fields = [...fields].sort((a, b) => a.index - b.index);
    const indices = this.fields.map((f) => f.index);
    if (this.binary) {
      const walker = new BinaryFieldWalker(indices);
      this.walk = (data, start, end, visit) => walker.walk(data, start, end, visit);
    } else {
      const walker = new FieldWalker(indices);
      this.walk = (data, _start, end, visit) => walker.walk(data, end, visit);
    }
    this.counts = this.fields.map(() => 0);
    this.visit = (chosen, start, end) => this.rewriteField(chosen, start, end);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // Everything inside: an exception thrown out of a transform is the process's, not the pipeline's.
    try {
      const { data, start = 0, end } = this.rows.push(chunk);
      callback(null, end === 0 ? undefined : this.rewriteRows(data, start, end));
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.rows.finish();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  /** `data`'s first `end` bytes, its whole rows from `start` with their chosen fields rewritten; a new buffer only when one changes. */
  private rewriteRows(data: Buffer, start: number, end: number): Buffer {
    this.data = data;
    this.copiedTo = 0;
    this.out = NOTHING;
    this.outLength = 0;
    this.counts.fill(0);
    this.walk(data, start, end, this.visit);
    // Counted once the chunk is through: a chunk that fails counts nothing.
    this.fields.forEach((f, i) => {
      if (this.counts[i]) this.changed.set(f.key, (this.changed.get(f.key) ?? 0) + this.counts[i]!);
    });
    if (this.copiedTo === 0) return data.subarray(0, end);
    this.reserve(end - this.copiedTo);
    this.copyBytes(this.copiedTo, end);
    return this.out.subarray(0, this.outLength);
  }

  private rewriteField(chosen: number, start: number, end: number): void {
    const data = this.data;
    // A binary NULL is never visited (its length is -1).
    if (!this.binary && isNullField(data, start, end)) return;
    const field = this.fields[chosen]!;
    const { results } = field;
    // Written anew from here: a binary field's length, then its value.
    const fieldStart = start - this.prefix;
    const kept = results ? results.find(data, start, end) : -1;
    if (kept >= 0) {
      if (results!.tag(kept) === UNCHANGED) return;
      this.reserve(fieldStart - this.copiedTo + results!.resultLength(kept));
      this.copyBytes(this.copiedTo, fieldStart);
      this.outLength += results!.copyResult(kept, this.out, this.outLength);
      this.copiedTo = end;
      this.counts[chosen]!++;
      return;
    }
    if (field.maxValueBytes !== undefined && end - start > field.maxValueBytes) {
      throw cannotPseudonymise(`A value of ${this.table}.${field.column} is longer than ${formatBytes(field.maxValueBytes)}: too long to pseudonymise`);
    }
    const value = this.binary ? data.toString("utf8", start, end) : fieldValue(data, start, end);
    const rewritten = value.trim() === "" ? value : this.rewritten(field, value);
    if (rewritten === value) {
      results?.keep(data, start, end, UNCHANGED);
      return;
    }
    this.reserve(fieldStart - this.copiedTo + this.prefix + rewritten.length * MAX_BYTES_PER_UNIT);
    this.copyBytes(this.copiedTo, fieldStart);
    const written = this.outLength;
    if (this.binary) this.writeBinaryField(rewritten);
    else this.writeField(rewritten);
    results?.keep(data, start, end, CHANGED, this.out, written, this.outLength);
    this.copiedTo = end;
    this.counts[chosen]!++;
  }

  private rewritten(field: FieldRewrite, value: string): string {
    try {
      return field.rewrite(value);
    } catch (error) {
      if (!(error instanceof RewrittenTooLong)) throw error;
      throw cannotPseudonymise(`A value of ${this.table}.${field.column} grows past ${formatBytes(MAX_REWRITTEN_BYTES)} when pseudonymised: too large`);
    }
  }

  /** The chunk's bytes [from, to) onto `out` (room reserved). */
  private copyBytes(from: number, to: number): void {
    if (to - from > SHORT_COPY) {
      this.outLength += this.data.copy(this.out, this.outLength, from, to);
      return;
    }
    const { data, out } = this;
    let o = this.outLength;
    for (let i = from; i < to; i++) out[o++] = data[i]!;
    this.outLength = o;
  }

  /** A value as a COPY text field onto `out` (room reserved): ASCII written here, anything else by the encoder. */
  private writeField(value: string): void {
    const out = this.out;
    let o = this.outLength;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) {
        this.outLength += out.write(encodeField(value), this.outLength, "utf8");
        return;
      }
      const escaped = ESCAPED[c];
      if (escaped) {
        out[o++] = BACKSLASH;
        out[o++] = escaped;
      } else out[o++] = c;
    }
    this.outLength = o;
  }

  /** A value as a binary field onto `out` (room reserved): its length in bytes, then its UTF-8. */
  private writeBinaryField(value: string): void {
    const at = this.outLength;
    const bytes = this.out.write(value, at + BINARY_LENGTH_BYTES, "utf8");
    this.out.writeInt32BE(bytes, at);
    this.outLength = at + BINARY_LENGTH_BYTES + bytes;
  }

  /** Room for `bytes` more in `out`: at first the chunk's size, most rewrites change a few bytes of it. */
  private reserve(bytes: number): void {
    if (this.outLength + bytes <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.outLength + bytes, this.data.length));
    this.out.copy(grown, 0, 0, this.outLength);
    this.out = grown;
  }
}
