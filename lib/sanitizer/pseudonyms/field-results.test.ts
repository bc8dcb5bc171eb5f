import { describe, expect, it } from "vitest";
import { FieldResults, fieldResultsFor, MAX_FIELD_BYTES, TRIAL_LOOKUPS } from "./field-results";

/** One field's bytes inside a row of others, as the COPY stream holds it. */
function field(value: string): { data: Buffer; start: number; end: number } {
  const data = Buffer.from(`7\t${value}\tx\n`, "utf8");
  return { data, start: 2, end: data.length - 3 };
}

/** The result kept for `value` (its tag and bytes as text), or undefined. */
function lookUp(results: FieldResults, value: string): { tag: number; text?: string } | undefined {
  const { data, start, end } = field(value);
  const entry = results.find(data, start, end);
  if (entry < 0) return undefined;
  const length = results.resultLength(entry);
  if (length < 0) return { tag: results.tag(entry) };
  const out = Buffer.alloc(length + 4, 0x2e);
  expect(results.copyResult(entry, out, 2)).toBe(length);
  // Only the result's own bytes are written.
  expect(out.subarray(0, 2).toString()).toBe("..");
  expect(out.subarray(2 + length).toString()).toBe("..");
  return { tag: results.tag(entry), text: out.toString("utf8", 2, 2 + length) };
}

/** Whether a result is kept for `value`: for loops of thousands. */
function isKept(results: FieldResults, value: string): boolean {
  const { data, start, end } = field(value);
  return results.find(data, start, end) >= 0;
}

function keep(results: FieldResults, value: string, tag: number, result?: string): void {
  const { data, start, end } = field(value);
  const bytes = result === undefined ? undefined : Buffer.from(`>>${result}<<`, "utf8");
  results.keep(data, start, end, tag, bytes, 2, bytes ? bytes.length - 2 : 0);
}

describe("FieldResults", () => {
  it("gives a field's kept result back by its bytes, and nothing for bytes it has not kept", () => {
    const results = new FieldResults();
    keep(results, "Kari", 1, "Ingrid");
    keep(results, "Øyvind\\tBjørnstad", 1, "Ola\\tNordmann");
    keep(results, "unchanged", 0);
    expect(lookUp(results, "Kari")).toEqual({ tag: 1, text: "Ingrid" });
    expect(lookUp(results, "Øyvind\\tBjørnstad")).toEqual({ tag: 1, text: "Ola\\tNordmann" });
    expect(lookUp(results, "unchanged")).toEqual({ tag: 0 });
    for (const other of ["kari", "Kar", "Karin", "", "Øyvind\\tBjornstad"]) expect(lookUp(results, other)).toBeUndefined();
  });

  it("tells apart values whose hashes are the same", () => {
    // FNV-1a's known 32-bit collisions.
    const results = new FieldResults();
    keep(results, "costarring", 1, "first");
    expect(lookUp(results, "liquid")).toBeUndefined();
    keep(results, "liquid", 1, "second");
    expect([lookUp(results, "costarring")?.text, lookUp(results, "liquid")?.text]).toEqual(["first", "second"]);
  });

  it("tells apart every one of many values, and answers each as kept, across growth and turned generations", () => {
    // A small budget: the generations turn several times over 6,000 values.
    const results = new FieldResults(100_000);
    const values = Array.from({ length: 6_000 }, (_v, i) => `value ${i} ${"x".repeat(i % 40)}`);
    values.forEach((v, i) => {
      const found = lookUp(results, v);
      if (found) expect(found).toEqual({ tag: i % 2, text: v.toUpperCase() });
      else keep(results, v, i % 2, v.toUpperCase());
      // Values in use are kept: the one just kept, and the one met with every value.
      expect(lookUp(results, v)).toEqual({ tag: i % 2, text: v.toUpperCase() });
      expect(lookUp(results, values[0]!)).toEqual({ tag: 0, text: values[0]!.toUpperCase() });
    });
    // What was not met again lately is forgotten: the budget holds.
    expect(values.slice(1, 100).filter((v) => isKept(results, v)).length).toBeLessThan(99);
  });

  it("keeps no field longer than its limit, nor a result that would not fit", () => {
    const results = new FieldResults();
    const long = "y".repeat(MAX_FIELD_BYTES + 1);
    keep(results, long, 1, "short");
    keep(results, "short", 1, "z".repeat(100_000));
    expect(lookUp(results, long)).toBeUndefined();
    expect(lookUp(results, "short")).toBeUndefined();
  });

  it("stops keeping a column's values when they do not repeat, and keeps them when they do", () => {
    // Sale titles: every one different. After the trial, nothing is kept or found.
    const distinct = new FieldResults();
    for (let i = 0; i < TRIAL_LOOKUPS; i++) {
      if (!isKept(distinct, `title ${i}`)) keep(distinct, `title ${i}`, 1, "T");
    }
    keep(distinct, "title 0", 1, "T");
    expect(lookUp(distinct, "title 0")).toBeUndefined();
    // Cities: a few hundred, over and over.
    const repeating = new FieldResults();
    let misses = 0;
    for (let i = 0; i < 2 * TRIAL_LOOKUPS; i++) {
      if (!isKept(repeating, `city ${i % 256}`)) {
        misses++;
        keep(repeating, `city ${i % 256}`, 1, "C");
      }
    }
    expect(misses).toBe(256);
  });

  it("keeps nothing for phone and org numbers, which are all different", () => {
    expect(fieldResultsFor("phone")).toBeUndefined();
    expect(fieldResultsFor("org-number")).toBeUndefined();
    expect(fieldResultsFor("person-name")).toBeInstanceOf(FieldResults);
  });
});
