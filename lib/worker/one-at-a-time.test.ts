import { describe, expect, it } from "vitest";
import { oneAtATime } from "./one-at-a-time";

describe("a worker's run slot", () => {
  it("starts the next run only once the one in hand has ended, though its caller stopped waiting (a job past its expiry)", async () => {
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const slot = oneAtATime((run: string) => {
      started.push(run);
      return new Promise<void>((resolve) => finish.set(run, resolve));
    });
    // pg-boss stops waiting for the first run's handler, and offers the slot the second job.
    void slot("long copy");
    const second = slot("next run");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toEqual(["long copy"]);
    finish.get("long copy")!();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toEqual(["long copy", "next run"]);
    finish.get("next run")!();
    await second;
  });

  it("goes on with the next run after one that failed", async () => {
    const slot = oneAtATime(async (run: string) => {
      if (run === "failing") throw new Error("boom");
      return run;
    });
    await expect(slot("failing")).rejects.toThrow("boom");
    await expect(slot("fine")).resolves.toBeUndefined();
  });
});
