import { describe, expect, it } from "vitest";
import { sandboxNameSchema } from "./schema";

describe("sandbox names", () => {
  it("accept letters of any language, with the same length rules", () => {
    for (const name of ["Prøve æøå", "Café Über", "Ærlig UAT-2", "Тест песочница", "試験環境", "Cafe\u0301 test", "Ελλάδα_1"]) {
      expect(sandboxNameSchema.safeParse(name).success, name).toBe(true);
    }
    expect(sandboxNameSchema.safeParse("Øy").success).toBe(false);
    expect(sandboxNameSchema.safeParse("Å".repeat(41)).success).toBe(false);
  });

  it("still refuse punctuation, a leading mark or hyphen, and emoji", () => {
    for (const name of ["UAT; DROP", "-UAT", "\u0301UAT", "UAT 🚀", "a/b/c", "UAT\u200b"]) {
      expect(sandboxNameSchema.safeParse(name).success, JSON.stringify(name)).toBe(false);
    }
  });
});
