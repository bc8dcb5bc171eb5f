import { describe, expect, it } from "vitest";
import { fieldValue, FieldWalker, isNullField, RowChunks } from "./copy-rows";

/** The chosen fields of every row of `text` as [chosen, value] pairs, NULL as null. */
function walk(text: string, indices: number[]): [number, string | null][] {
  const data = Buffer.from(text, "utf8");
  const seen: [number, string | null][] = [];
  new FieldWalker(indices).walk(data, data.length, (chosen, start, end) => seen.push([chosen, isNullField(data, start, end) ? null : fieldValue(data, start, end)]));
  return seen;
}

describe("FieldWalker", () => {
  it("gives the chosen fields of each row, the first and the last among them, decoded", () => {
    expect(walk("1\tkari ø\tx\n2\t\\N\ty\\tz\n", [0, 2])).toEqual([
      [0, "1"],
      [1, "x"],
      [0, "2"],
      [1, "y\tz"],
    ]);
  });

  it("tells NULL from an empty value and from the text \\N", () => {
    expect(walk("\\N\t\t\\\\N\n", [0, 1, 2])).toEqual([
      [0, null],
      [1, ""],
      [2, "\\N"],
    ]);
  });

  it("skips the fields after the last chosen one, and gives a short row only the fields it has", () => {
    expect(walk("a\tb\tc\td\ne\n", [1])).toEqual([[0, "b"]]);
  });

  it("refuses fields out of row order", () => {
    expect(() => new FieldWalker([2, 1])).toThrow(/row order/);
  });
});

describe("RowChunks", () => {
  it("gives whole rows only, whatever the chunk boundaries (inside a UTF-8 character too)", () => {
    const bytes = Buffer.from("1\tø\n2\tå\n", "utf8");
    for (const size of [1, 2, 3, 5]) {
      const rows = new RowChunks("A row");
      const whole: string[] = [];
      for (let i = 0; i < bytes.length; i += size) {
        const { data, end } = rows.push(bytes.subarray(i, i + size));
        whole.push(data.toString("utf8", 0, end));
      }
      rows.finish();
      expect(whole.join("")).toBe("1\tø\n2\tå\n");
    }
  });

  it("joins a row that spans many chunks once its end comes", () => {
    const rows = new RowChunks("A row");
    const long = "x".repeat(1000);
    for (let i = 0; i < long.length; i += 100) expect(rows.push(Buffer.from(long.slice(i, i + 100))).end).toBe(0);
    const { data, end } = rows.push(Buffer.from("\tlast\nnext"));
    expect(data.toString("utf8", 0, end)).toBe(`${long}\tlast\n`);
    expect(() => rows.finish()).toThrow(/inside a row/);
    rows.push(Buffer.from("\n"));
    expect(() => rows.finish()).not.toThrow();
  });

  it("refuses a row longer than its limit in the customer's words, as it comes or when its end comes, and takes one of exactly the limit", () => {
    const refusal = /^A row of contact is larger than 10 B: too large to pseudonymise\. Copy with personal data kept/;
    // Over the limit before its end: refused without waiting for more.
    const growing = new RowChunks("A row of contact", 10);
    growing.push(Buffer.from("1\tkari\n2\tol"));
    expect(() => growing.push(Buffer.from("a nordmann"))).toThrow(refusal);
    // Its end in the chunk that takes it over: refused too.
    const ending = new RowChunks("A row of contact", 10);
    ending.push(Buffer.from("1\tkari"));
    expect(() => ending.push(Buffer.from("nordmann\n"))).toThrow(refusal);
    // Ten bytes with its newline: taken, and the rows after it as well.
    const exact = new RowChunks("A row of contact", 10);
    exact.push(Buffer.from("1\tkari"));
    const { data, end } = exact.push(Buffer.from("ola\n2\tx\n"));
    expect(data.toString("utf8", 0, end)).toBe("1\tkariola\n2\tx\n");
    exact.finish();
  });

  it("fails a stream cut off inside a row", () => {
    const rows = new RowChunks("A row");
    rows.push(Buffer.from("1\tkari\n2\tola"));
    expect(() => rows.finish()).toThrow(/inside a row/);
  });
});
