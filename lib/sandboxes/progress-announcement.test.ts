import { describe, expect, it } from "vitest";
import { progressAnnouncement } from "./progress-announcement";
import { tableStepKey } from "../sanitizer/copy-streams";
import { RULE_STEPS } from "../sanitizer/rule-reports";
import type { ProgressStep } from "../sanitizer/progress";

const table = (name: string, state: ProgressStep["state"]): ProgressStep => ({ key: tableStepKey(name), label: `Copy ${name}`, unit: "rows", state });
const rule = (index: number, state: ProgressStep["state"]): ProgressStep => ({ ...RULE_STEPS[index]!, state });
const step = (key: string, label: string, state: ProgressStep["state"]): ProgressStep => ({ key, label, state });

describe("progressAnnouncement", () => {
  it("says the same while one table's copy follows another within a quarter of the way", () => {
    const first = progressAnnouncement([step("schema", "Create the database and its tables", "done"), table("contact", "running"), table("sale", "pending")], 0.31);
    const second = progressAnnouncement([step("schema", "Create the database and its tables", "done"), table("contact", "done"), table("sale", "running")], 0.44);
    expect(first).toBe("Copying the data: running, 25% done");
    expect(second).toBe(first);
  });

  it("says each quarter of the way and each new phase", () => {
    expect(progressAnnouncement([table("contact", "running")], 0.5)).toBe("Copying the data: running, 50% done");
    expect(progressAnnouncement([table("contact", "done"), rule(0, "done"), rule(1, "running")], 0.8)).toBe("Applying the sanitization rules: running, 75% done");
    expect(progressAnnouncement([step("verify", "Verify every rule on the copy", "running")], 0.97)).toBe("Verify every rule on the copy: running, 75% done");
  });

  it("says a failure at once, by its phase", () => {
    expect(progressAnnouncement([table("contact", "done"), table("sale", "failed"), table("project", "pending")], 0.4)).toBe("Copying the data: failed");
  });

  it("says a copy stopped at someone's word stopped, not failed", () => {
    expect(progressAnnouncement([table("contact", "done"), table("sale", "stopped"), table("project", "pending")], 0.4)).toBe("Copying the data: stopped");
  });

  it("says nothing while no step is under way", () => {
    expect(progressAnnouncement([table("contact", "pending")], 0)).toBe("");
    expect(progressAnnouncement([], 0)).toBe("");
  });
});
