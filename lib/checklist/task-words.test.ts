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
