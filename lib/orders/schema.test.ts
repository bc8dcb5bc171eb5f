import { describe, expect, it } from "vitest";
import { planTotalWhileTyping, sandboxNameSchema } from "./schema";

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

describe("the plan total while typing", () => {
  it("counts only whole numbers the order accepts, and names the plans it leaves out", () => {
    expect(planTotalWhileTyping({ "sales-premium": 2, "service-essentials": 1 })).toEqual({ total: 3, notCounted: [] });
    const typing = planTotalWhileTyping({ "sales-premium": -5, "service-essentials": 2.5, complete: 1e9, "sales-essentials": 4 });
    expect(typing.total).toBe(4);
    expect(typing.notCounted.sort()).toEqual(["complete", "sales-premium", "service-essentials"]);
  });

  it("treats an emptied field as not yet typed, not as a mistake", () => {
    expect(planTotalWhileTyping({ "sales-premium": Number.NaN, complete: 1 })).toEqual({ total: 1, notCounted: [] });
  });
});
