/** The progress bar's row counts, over real COPY output however the stream is cut into chunks. */
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { to as copyTo } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClient } from "../testing/sanitizer-fixtures";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { BINARY_HEADER_BYTES, BinaryRowCounter, BinaryRows, TextRowCounter } from "./copy-row-counters";

let url = "";
beforeAll(async () => {
  url = await createTestDatabase("rowcount");
});
afterAll(async () => {
  await dropTestDatabase(url);
});

/** Rows with NULLs, empty values, no columns at all, bytes that look like newlines and like the format's own lengths. */
const ROWS = 1_000;
const SELECT = `SELECT i, CASE WHEN i % 3 = 0 THEN NULL ELSE repeat(chr(10), i % 5) END AS t,
  CASE WHEN i % 4 = 0 THEN ''::bytea ELSE decode(repeat('ffff000a', i % 9), 'hex') END AS b,
  now() AS at FROM generate_series(1, ${ROWS}) i`;

async function copyOut(format: string): Promise<Buffer> {
  return withClient(url, async (client) => {
    const chunks: Buffer[] = [];
    await pipeline(client.query(copyTo(`COPY (${SELECT}) TO STDOUT${format}`)), new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) }));
    return Buffer.concat(chunks);
  });
}

/** The stream cut into pieces of the given sizes, in turn. */
function cut(bytes: Buffer, sizes: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

async function counted(counter: TextRowCounter | BinaryRowCounter, pieces: Buffer[]): Promise<{ rows: number; bytes: number; passed: Buffer }> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), counter, new Writable({ write: (c: Buffer, _e, done) => (out.push(c), done()) }));
  return { ...counter.counters, passed: Buffer.concat(out) };
}

describe("counting a COPY stream's rows", () => {
  it("counts every row of binary COPY, with the values passed on untouched, whatever the chunks", async () => {
    const bytes = await copyOut(" (FORMAT binary)");
    for (const sizes of [[bytes.length], [1], [2, 3], [7, 1, 4093], [19, 2, 4, 5]]) {
      const result = await counted(new BinaryRowCounter(() => undefined), cut(bytes, sizes));
      expect(result.rows, `chunks of ${sizes.join(", ")} bytes`).toBe(ROWS);
      // The rows' bytes: not the format's header, nor its end mark (2 bytes).
      expect(result.bytes).toBe(bytes.length - BINARY_HEADER_BYTES - 2);
      expect(result.passed.equals(bytes)).toBe(true);
    }
  });

  it("tells where in each chunk the last whole row of binary COPY ends, whatever the chunks", async () => {
    const bytes = await copyOut(" (FORMAT binary)");
    for (const sizes of [[1], [2, 3], [7, 1, 4093]]) {
      const rows = new BinaryRows();
      const ends: number[] = [];
      let at = 0;
      for (const piece of cut(bytes, sizes)) {
        rows.rowsIn(piece);
        if (rows.lastRowEnd !== -1) ends.push(at + rows.lastRowEnd);
        at += piece.length;
      }
      // What comes before each holds whole rows only: walked at once, it ends there too.
      for (const end of ends) {
        const whole = new BinaryRows();
        whole.rowsIn(bytes.subarray(0, end));
        expect(whole.lastRowEnd, `${end} in chunks of ${sizes.join(", ")} bytes`).toBe(end);
      }
      expect(ends.at(-1)).toBe(bytes.length);
      // Cut byte by byte, every end is told: the header's, each row's and the end mark's.
      if (sizes[0] === 1) expect(ends).toHaveLength(ROWS + 2);
    }
  });

  it("counts every row of text COPY, newlines inside values included", async () => {
    const bytes = await copyOut("");
    const result = await counted(new TextRowCounter(() => undefined), cut(bytes, [1, 64]));
    expect(result.rows).toBe(ROWS);
    expect(result.bytes).toBe(bytes.length);
  });

  it("counts a row of no columns, and nothing after the end marker", async () => {
    const header = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.from([0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4])]);
    const row = (...fields: (Buffer | null)[]) =>
      Buffer.concat([Buffer.from([0, fields.length]), ...fields.map((f) => (f === null ? Buffer.from([255, 255, 255, 255]) : Buffer.concat([int32(f.length), f])))]);
    const end = Buffer.from([255, 255]);
    const stream = Buffer.concat([header, row(), row(null, Buffer.from([0, 2])), row(Buffer.alloc(0)), end, Buffer.from([0, 1, 0, 0, 0, 0])]);
    for (const sizes of [[stream.length], [1], [3]]) expect((await counted(new BinaryRowCounter(() => undefined), cut(stream, sizes))).rows).toBe(3);
    // Bytes are the rows' only: not the header, its extension area, the end mark or what follows it.
    const rowBytes = row().length + row(null, Buffer.from([0, 2])).length + row(Buffer.alloc(0)).length;
    for (const sizes of [[stream.length], [1], [3]]) expect((await counted(new BinaryRowCounter(() => undefined), cut(stream, sizes))).bytes).toBe(rowBytes);
  });

  it("counts no bytes for a table with no rows, in binary as in text, and tells no chunk of more", async () => {
    const empty = await withClient(url, async (client) => {
      const chunks: Buffer[] = [];
      await pipeline(client.query(copyTo("COPY (SELECT 1 AS i WHERE false) TO STDOUT (FORMAT binary)")), new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) }));
      return Buffer.concat(chunks);
    });
    expect(empty.length).toBe(21);
    for (const sizes of [[empty.length], [1], [2, 3], [19, 2]]) {
      const told: number[] = [];
      const result = await counted(new BinaryRowCounter((c) => told.push(c.bytes)), cut(empty, sizes));
      expect(result, `chunks of ${sizes.join(", ")} bytes`).toMatchObject({ rows: 0, bytes: 0 });
      expect(told.every((bytes) => bytes === 0)).toBe(true);
    }
  });
});

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
