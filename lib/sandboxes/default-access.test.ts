import { describe, expect, it } from "vitest";
import { defaultAccess } from "./default-access";

const a = (id: number, userPlan: string | null, canLogin = true, isRetired = false) => ({ id, userPlan, canLogin, isRetired });

describe("default access (rule 10)", () => {
  it("keeps production plans while places are left, then fills free plans, never exceeding the counts", () => {
    const result = defaultAccess(
      [a(1, "sales-premium"), a(2, "sales-premium"), a(3, "sales-premium"), a(4, "complete"), a(5, null, false), a(6, "marketing", true, true)],
      { "sales-premium": 2, complete: 1, marketing: 1 },
    );
    expect(result).toEqual([
      { associateId: 1, userPlan: "sales-premium" },
      { associateId: 2, userPlan: "sales-premium" },
      { associateId: 3, userPlan: "marketing" },
      { associateId: 4, userPlan: "complete" },
    ]);
  });

  it("never selects associates who cannot log in or are retired", () => {
    expect(defaultAccess([a(1, "complete", false), a(2, "complete", true, true)], { complete: 5 })).toEqual([]);
  });
});
