import { describe, expect, it } from "vitest";
import { runSlot } from "./run-slot";

describe("a worker's run slot", () => {
  it("sends a job offered while its run is still going back to the queue (a job past its expiry), and takes the next once free", async () => {
    const started: string[] = [];
    const deferred: string[] = [];
    let finishLong = () => undefined as void;
    const slot = runSlot(
      (run) => {
        started.push(run);
        return run === "long copy" ? new Promise<void>((resolve) => (finishLong = resolve)) : Promise.resolve();
      },
      async (run) => void deferred.push(run),
    );
    // pg-boss stops waiting for the first run's handler, and offers the slot the second job.
    const long = slot("long copy");
    await slot("next run");
    expect(started).toEqual(["long copy"]);
    expect(deferred).toEqual(["next run"]);
    finishLong();
    await long;
    await slot("next run");
    expect(started).toEqual(["long copy", "next run"]);
  });

  it("is free again after a run that failed", async () => {
    const slot = runSlot(async (run) => {
      if (run === "failing") throw new Error("boom");
    }, async () => {
      throw new Error("not busy: nothing to defer");
    });
    await expect(slot("failing")).rejects.toThrow("boom");
    await expect(slot("fine")).resolves.toBeUndefined();
  });
});
