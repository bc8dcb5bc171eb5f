import { describe, expect, it } from "vitest";
import { defaultUsers, savedChoices, type AssociateSummary } from "./defaults";

const person = (id: number, userPlan: AssociateSummary["userPlan"], canLogin = true, isRetired = false): AssociateSummary => ({
  id, username: `u${id}`, fullName: `U ${id}`, email: null, userPlan, canLogin, isRetired,
});

describe("defaultUsers (rule 10's default selection)", () => {
  it("takes those who can log in, on their own plan first, then fills the remaining plans, up to the counts", () => {
    const associates = [
      person(5, "sales-premium"),
      person(1, "sales-premium"),
      person(2, "service-premium"),
      person(3, "sales-premium"),
      person(4, null),
      person(6, "complete", false),
      person(7, "complete", true, true),
    ];
    expect(defaultUsers(associates, { "sales-premium": 2, marketing: 2 })).toEqual([
      { associateId: 1, userPlan: "sales-premium" },
      { associateId: 3, userPlan: "sales-premium" },
      { associateId: 2, userPlan: "marketing" },
      { associateId: 4, userPlan: "marketing" },
    ]);
  });

  it("never exceeds the order, and gives nobody access when nothing can log in", () => {
    const many = Array.from({ length: 20 }, (_, i) => person(i + 1, "complete"));
    expect(defaultUsers(many, { complete: 3 })).toHaveLength(3);
    expect(defaultUsers([person(1, "complete", false)], { complete: 3 })).toEqual([]);
  });
});

describe("savedChoices (refresh mode's starting point)", () => {
  const associates = [person(1, "complete"), person(2, "complete"), person(3, "sales-premium")];
  const saved = {
    users: [{ associateId: 2, userPlan: "complete" }, { associateId: 99, userPlan: "complete" }],
    invalidationDomain: "refresh.example",
    keepEnabledTaskIds: [1, 77],
    documents: { mode: "all" },
  };

  it("keeps every saved choice but drops people and tasks production no longer has", () => {
    expect(savedChoices(saved, associates, [1, 2], { complete: 2 })).toEqual({
      options: {
        kind: "full",
        users: [{ associateId: 2, userPlan: "complete" }],
        invalidationDomain: "refresh.example",
        keepEnabledTaskIds: [1],
        documents: { mode: "all" },
        serviceAttachments: false,
        stateAfterCopy: "running",
        personalData: "keep",
      },
      droppedUsers: 1,
      droppedTasks: 1,
      usedDefaults: false,
    });
  });

  it("falls back to the defaults when the saved choices cannot be read", () => {
    const result = savedChoices({ users: "everyone" }, associates, [], { complete: 1 });
    expect(result.usedDefaults).toBe(true);
    expect(result.options.users).toEqual([{ associateId: 1, userPlan: "complete" }]);
  });
});
