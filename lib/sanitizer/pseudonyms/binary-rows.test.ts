import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { MAX_ROW_BYTES } from "./copy-rows";
import { FieldResults } from "./field-results";
import { RewriteStream } from "./rewrite-stream";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/** A binary COPY stream of `rows` (each field a string, or null for NULL), with an extension area of `extension` bytes. */
function encode(rows: (string | null)[][], extension = 0, trailer = true): Buffer {
  const parts = [SIGNATURE, int32(0), int32(extension), Buffer.alloc(extension, 7)];
  for (const row of rows) {
    parts.push(int16(row.length));
    for (const field of row) {
      if (field === null) parts.push(int32(-1));
      else {
        const bytes = Buffer.from(field, "utf8");
        parts.push(int32(bytes.length), bytes);
      }
    }
  }
  if (trailer) parts.push(int16(-1));
  return Buffer.concat(parts);
}

function decode(data: Buffer): (string | null)[][] {
  expect(data.subarray(0, 11).equals(SIGNATURE)).toBe(true);
  let p = 19 + data.readUInt32BE(15);
  const rows: (string | null)[][] = [];
  for (;;) {
    const fields = data.readInt16BE(p);
    p += 2;
    if (fields < 0) break;
    const row: (string | null)[] = [];
    for (let i = 0; i < fields; i++) {
      const length = data.readInt32BE(p);
      p += 4;
      row.push(length < 0 ? null : data.toString("utf8", p, p + length));
      p += Math.max(0, length);
    }
    rows.push(row);
  }
  expect(p).toBe(data.length);
  return rows;
}

const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

const upper = () => new RewriteStream("t", [{ index: 1, column: "c1", key: "t.name", rewrite: (v) => v.toUpperCase() }], "binary");

/** Pushes `input` through `stream` in chunks of `size` bytes. */
async function run(input: Buffer, size: number, stream = upper()) {
  const chunks = Array.from({ length: Math.ceil(input.length / size) }, (_v, i) => input.subarray(i * size, (i + 1) * size));
  return { out: await buffer(Readable.from(chunks).pipe(stream)), stream };
}

const ROWS: (string | null)[][] = [
  ["1", "kari ø", "x"],
  ["2", null, "y"],
  ["3", "line\nbreak\tand tab\\", "z"],
  ["4", "", "w"],
  ["5", "ola", null],
];

describe("RewriteStream in COPY's binary format", () => {
  it("rewrites only the chosen field of every row, its length with it, whatever the chunk boundaries", async () => {
    const expected = [["1", "KARI Ø", "x"], ["2", null, "y"], ["3", "LINE\nBREAK\tAND TAB\\", "z"], ["4", "", "w"], ["5", "OLA", null]];
    for (const size of [1, 2, 3, 7, 1000]) {
      const { out, stream } = await run(encode(ROWS, 5), size);
      expect(decode(out)).toEqual(expected);
      expect(stream.changed.get("t.name")).toBe(3);
    }
  });

  it("passes a stream with nothing to change as it came, header and trailer included", async () => {
    const input = encode([["1", null, "x"], ["2", "", "y"]], 3);
    expect((await run(input, 4)).out.equals(input)).toBe(true);
  });

  it("writes a repeated value's kept result as it would write it afresh, length and all", async () => {
    const rows = Array.from({ length: 300 }, (_v, i) => [String(i), ["kari ø", "line\nbreak", "UNCHANGED", null, ""][i % 5]!, "x"]);
    let worked = 0;
    const counted = new RewriteStream("t", [{ index: 1, column: "c1", key: "t.name", rewrite: (v) => (worked++, v.toUpperCase()), results: new FieldResults() }], "binary");
    const kept = await run(encode(rows), 7, counted);
    expect(worked).toBe(3);
    expect(kept.out.equals((await run(encode(rows), 7)).out)).toBe(true);
    expect(kept.stream.changed.get("t.name")).toBe(120);
  });

  it("fails a stream cut off inside a row, or before its trailer", async () => {
    const whole = encode(ROWS);
    await expect(run(whole.subarray(0, whole.length - 7), 4)).rejects.toThrow(/inside a row/);
    await expect(run(encode(ROWS, 0, false), 4)).rejects.toThrow(/inside a row/);
  });

  it("refuses a row larger than a copy rewrites as soon as its length says so, before its bytes come", async () => {
    const declared = Buffer.concat([encode([], 0, false), int16(2), int32(1), Buffer.from("1"), int32(MAX_ROW_BYTES + 1), Buffer.from("q")]);
    await expect(run(declared, 64)).rejects.toMatchObject({
      code: "COPY_FAILED",
      message: expect.stringMatching(/^A row of t is larger than 32\.0 MB: too large to pseudonymise/),
    });
  });
});
