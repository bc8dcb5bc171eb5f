import { describe, expect, it } from "vitest";
import { KeyedLimit, WaitTooLong } from "./keyed-limit";

const later = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("KeyedLimit", () => {
  it("runs at most the limit per key at once, the rest in order as slots free, other keys meanwhile", async () => {
    const limit = new KeyedLimit(2);
    const gates = Array.from({ length: 5 }, later);
    const started: number[] = [];
    const runs = gates.map((gate, i) => limit.run("a", async () => (started.push(i), await gate.promise, i)));
    const other = limit.run("b", async () => "b");
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1]);
    expect(await other).toBe("b");
    gates[1]!.resolve();
    await runs[1];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    expect(limit.runningFor("a")).toBe(2);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(limit.runningFor("a")).toBe(0);
  });

  it("frees the slot of work that failed", async () => {
    const limit = new KeyedLimit(1);
    await expect(limit.run("a", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limit.run("a", async () => "next")).toBe("next");
  });

  it("gives up a wait after waitMs, leaving the line to the others", async () => {
    const limit = new KeyedLimit(1);
    const gate = later();
    const first = limit.run("a", () => gate.promise);
    await expect(limit.run("a", async () => "never", { waitMs: 20 })).rejects.toBeInstanceOf(WaitTooLong);
    const next = limit.run("a", async () => "next");
    gate.resolve();
    await first;
    expect(await next).toBe("next");
    expect(limit.runningFor("a")).toBe(0);
  });
});
