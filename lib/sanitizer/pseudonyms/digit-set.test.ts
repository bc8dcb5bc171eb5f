import { describe, expect, it } from "vitest";
import { DigitSet } from "./digit-set";

describe("DigitSet", () => {
  it("holds what was added, leading zeros and length included", () => {
    const set = new DigitSet();
    for (const d of ["4722334455", "022334455", "0"]) set.add(d);
    expect(["4722334455", "022334455", "0"].map((d) => set.has(d))).toEqual([true, true, true]);
    // The same number without its zero, or with one more, is another number.
    expect(["22334455", "0022334455", "00", "", "472233445"].map((d) => set.has(d))).toEqual([false, false, false, false, false]);
  });

  it("keeps numbers too long for a float, as written", () => {
    const set = new DigitSet();
    const long = "12345678901234567890";
    set.add(long);
    expect(set.has(long)).toBe(true);
    expect(set.has("12345678901234567891")).toBe(false);
    expect(set.size).toBe(1);
  });

  it("grows past its first size and counts each number once", () => {
    const set = new DigitSet();
    const numbers = Array.from({ length: 50_000 }, (_v, i) => String(90_000_000 + i * 7));
    for (const n of [...numbers, ...numbers]) set.add(n);
    expect(set.size).toBe(numbers.length);
    expect(numbers.every((n) => set.has(n))).toBe(true);
    expect(set.has(String(90_000_001))).toBe(false);
  });

  it("takes a number's digits from within its text as add() takes them alone, and leaves out numbers too short", () => {
    const set = new DigitSet();
    for (const phone of ["+47 22 33 44 55", "(0)22-33.44 56", "+1 234 567 890 123 456 789", "12 34"]) set.addDigitsOf(phone, 0, 6);
    set.addDigitsOf("+47 22 33 44 57", 3, 6);
    expect(["4722334455", "022334456", "1234567890123456789", "22334457"].map((d) => set.has(d))).toEqual([true, true, true, true]);
    expect(["1234", "472233445", "4722334457"].map((d) => set.has(d))).toEqual([false, false, false]);
    expect(set.size).toBe(4);
    // Looked up the same way, from within the text.
    expect([set.hasDigitsOf("+47 22-33-44-55", 0), set.hasDigitsOf("tel. 22 33 44 57", 0), set.hasDigitsOf("+1 234 567 890 123 456 789", 0), set.hasDigitsOf("+47 22 33 44 55", 3)]).toEqual([true, true, true, false]);
  });

  it("holds every number whatever room it was made with: fewer numbers than expected, or many more", () => {
    for (const expected of [0, 10, 100_000]) {
      const set = new DigitSet(expected);
      const numbers = Array.from({ length: 5_000 }, (_v, i) => String(22_000_000 + i * 7));
      for (const n of numbers) set.add(n);
      expect(numbers.every((n) => set.has(n))).toBe(true);
      expect(set.has("22000001")).toBe(false);
      expect(set.size).toBe(5_000);
    }
  });
});
