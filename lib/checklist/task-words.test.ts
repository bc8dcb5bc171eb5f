import { describe, expect, it } from "vitest";
import { describeScheduledTasks } from "./task-words";

const task = (name: string, enabled: boolean, kept: boolean) => ({ name, enabled, kept });

describe("the checklist's scheduled tasks, in the customer's words", () => {
  it("counts kept tasks that run as the customer's own choice, right after a copy", () => {
    expect(describeScheduledTasks([task("Nightly cleanup", true, true), task("ERP sync", true, true), task("Export", false, false)])).toEqual({
      ok: true,
      text: "2 tasks on because you kept them: Nightly cleanup, ERP sync.",
    });
  });

  it("needs attention only for a task running that nobody kept", () => {
    expect(describeScheduledTasks([task("Nightly cleanup", true, true), task("Import", true, false)])).toEqual({
      ok: false,
      text: "1 task on because you kept it: Nightly cleanup. 1 task on that you did not keep: Import.",
    });
    expect(describeScheduledTasks([task("A", false, true), task("B", false, false)])).toEqual({ ok: true, text: "All 2 tasks are paused." });
  });
});

describe("the sandbox's names in the checklist", () => {
  it("are each on one line and cut, and at most twenty are named: the sandbox's people and the apps they test write them", async () => {
    const { shownNames } = await import("./task-words");
    // An app under test that makes tasks in a loop, with long names that read backwards: 16 MB in all,
    // within what the checklist reads (whole-table-bounds.ts), and all of it was on the page at every render.
    const tasks = Array.from({ length: 10_000 }, (_, i) => task(`\u202eTask ${i} ${"x".repeat(1_600)}`, true, false));
    const { ok, text } = describeScheduledTasks(tasks);
    expect(ok).toBe(false);
    expect(text.length).toBeLessThan(3_000);
    expect(text).not.toMatch(/[\u202e\n]/);
    expect(text).toMatch(/^10000 tasks on that you did not keep: {2}Task 0 x+…, {2}Task 1 x+…, .* and 9980 more\.$/);
    expect(shownNames(["ERP\none (SuperSync)", "Two"])).toBe("ERP one (SuperSync), Two");
  });
});
