import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { FieldResults } from "./field-results";
import { assertRewrittenFits, MAX_REWRITTEN_BYTES } from "./copy-rows";
import { RewriteStream } from "./rewrite-stream";

/** Pushes `input` through a RewriteStream in chunks of `size` bytes. */
async function run(input: string, size: number, stream = new RewriteStream("t", [{ index: 1, column: "c1", key: "t.name", rewrite: (v) => v.toUpperCase() }])) {
  const bytes = Buffer.from(input, "utf8");
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_v, i) => bytes.subarray(i * size, (i + 1) * size));
  return { out: await text(Readable.from(chunks).pipe(stream)), stream };
}

const INPUT = "1\tkari ø\tx\n2\t\\N\ty\n3\tline\\nbreak\\tand tab\tz\n4\t\tw\n";

describe("RewriteStream", () => {
  it("rewrites only the chosen field of every row, whatever the chunk boundaries (inside UTF-8 characters too)", async () => {
    const expected = "1\tKARI Ø\tx\n2\t\\N\ty\n3\tLINE\\nBREAK\\tAND TAB\tz\n4\t\tw\n";
    for (const size of [1, 2, 3, 7, 1000]) expect((await run(INPUT, size)).out).toBe(expected);
  });

  it("counts the values it changed; NULL and empty values stay as they are", async () => {
    const { stream } = await run(INPUT, 5);
    expect(stream.changed.get("t.name")).toBe(2);
  });

  it("rewrites several fields, the first and the last among them, given in any order", async () => {
    const upper = (v: string) => v.toUpperCase();
    const stream = new RewriteStream("t", [{ index: 2, column: "c2", key: "c", rewrite: upper }, { index: 0, column: "c0", key: "a", rewrite: upper }]);
    expect((await run("a\tb\tc\nx\t\\N\t\\N\n", 3, stream)).out).toBe("A\tb\tC\nX\t\\N\t\\N\n");
  });

  it("writes a repeated value's kept result as it would write it afresh, and counts it each time", async () => {
    const rows = Array.from({ length: 300 }, (_v, i) => `${i}\t${["kari ø", "line\\nbreak", "UNCHANGED", "\\N", ""][i % 5]}\tx\n`).join("");
    let worked = 0;
    const upper = (v: string) => (worked++, v.toUpperCase());
    const kept = await run(rows, 7, new RewriteStream("t", [{ index: 1, column: "c1", key: "t.name", rewrite: upper, results: new FieldResults() }]));
    expect(worked).toBe(3);
    const afresh = await run(rows, 7, new RewriteStream("t", [{ index: 1, column: "c1", key: "t.name", rewrite: (v) => v.toUpperCase() }]));
    expect(kept.out).toBe(afresh.out);
    expect(kept.stream.changed.get("t.name")).toBe(120);
    expect(afresh.stream.changed.get("t.name")).toBe(120);
  });

  it("fails a stream cut off inside a row", async () => {
    await expect(run("1\tkari\tx\n2\tola", 4)).rejects.toThrow(/inside a row/);
  });

  it("fails, naming the column, on a value longer than its kind may be: names and numbers are short", async () => {
    const stream = new RewriteStream("contact", [{ index: 1, column: "first_name", key: "names", rewrite: (v) => v, maxValueBytes: 8 }]);
    await expect(run("1\tKari\n2\tKari Kari Kari\n", 4, stream)).rejects.toMatchObject({
      code: "COPY_FAILED",
      message: "A value of contact.first_name is longer than 8 B: too long to pseudonymise. Copy with personal data kept as in production, or shorten it.",
    });
  });

  it("fails, naming the column, on a value its rewriting grew past the bound, and passes any other error on as it is", async () => {
    const grows = [{ index: 0, column: "body", key: "free text", rewrite: () => assertRewrittenFits(MAX_REWRITTEN_BYTES + 1) as never }];
    await expect(run("q q q\n", 3, new RewriteStream("ticket_message", grows))).rejects.toMatchObject({
      code: "COPY_FAILED",
      message: "A value of ticket_message.body grows past 64.0 MB when pseudonymised: too large. Copy with personal data kept as in production, or shorten it.",
    });
    const fails = [{ index: 0, column: "body", key: "free text", rewrite: (): string => { throw new Error("no phone pseudonym found"); } }];
    await expect(run("q\n", 3, new RewriteStream("t", fails))).rejects.toThrow("no phone pseudonym found");
  });
});
