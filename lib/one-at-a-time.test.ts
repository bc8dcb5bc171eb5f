import { describe, expect, it } from "vitest";
import { oneAtATime } from "./one-at-a-time";

describe("a timer's work, one pass at a time", () => {
  it("skips the ticks that find a pass under way, and runs again once it has ended, failed or not", async () => {
    let passes = 0;
    let finish = (_failed: boolean) => undefined as void;
    const pass = oneAtATime(
      () =>
        new Promise<void>((resolve, reject) => {
          passes++;
          finish = (failed) => (failed ? reject(new Error("the portal database did not answer")) : resolve());
        }),
    );
    const first = pass();
    await Promise.all([pass(), pass(), pass()]);
    expect(passes).toBe(1);
    finish(true);
    await expect(first).rejects.toThrow("did not answer");
    const second = pass();
    expect(passes).toBe(2);
    finish(false);
    await second;
  });
});
