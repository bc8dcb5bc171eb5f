import { describe, expect, it } from "vitest";
import { allSettledOrThrow, timePhase } from "./phase-times";

describe("allSettledOrThrow", () => {
  it("fails only once the other side has finished too", async () => {
    let otherDone = false;
    const slow = new Promise<void>((resolve) => setTimeout(() => ((otherDone = true), resolve()), 50));
    await expect(allSettledOrThrow(Promise.reject(new Error("first")), slow)).rejects.toThrow("first");
    expect(otherDone).toBe(true);
  });

  it("gives both values, or the first side's error when both fail", async () => {
    await expect(allSettledOrThrow(Promise.resolve(1), Promise.resolve("b"))).resolves.toEqual([1, "b"]);
    await expect(allSettledOrThrow(Promise.reject(new Error("a")), Promise.reject(new Error("b")))).rejects.toThrow("a");
  });
});

describe("timePhase", () => {
  it("reports a phase's time whether it succeeds or fails", async () => {
    const seen: string[] = [];
    await timePhase((p) => seen.push(p), "ok", async () => 1);
    await expect(timePhase((p) => seen.push(p), "broken", () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(seen).toEqual(["ok", "broken"]);
  });
});
