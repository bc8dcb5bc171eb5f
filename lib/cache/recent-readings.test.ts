import { afterEach, describe, expect, it, vi } from "vitest";
import { recentReadings } from "./recent-readings";

afterEach(() => vi.useRealTimers());

describe("recent readings", () => {
  it("reads once per key while fresh, shares a reading in flight, and reads again after ttlMs", async () => {
    vi.useFakeTimers();
    const cache = recentReadings<number>({ ttlMs: 1_000, maxKeys: 10 });
    let reads = 0;
    const read = () => new Promise<number>((resolve) => setTimeout(() => resolve(++reads), 10));
    const together = Promise.all([cache.read("a", read), cache.read("a", read)]);
    await vi.advanceTimersByTimeAsync(10);
    expect(await together).toEqual([1, 1]);
    expect(await cache.read("a", read)).toBe(1);
    vi.advanceTimersByTime(1_001);
    const again = cache.read("a", read);
    await vi.advanceTimersByTimeAsync(10);
    expect(await again).toBe(2);
  });

  it("keeps no failure: the next caller asks again", async () => {
    const cache = recentReadings<string>({ ttlMs: 60_000, maxKeys: 10 });
    await expect(cache.read("down", () => Promise.reject(new Error("unreachable")))).rejects.toThrow("unreachable");
    expect(await cache.read("down", () => Promise.resolve("up"))).toBe("up");
  });

  it("keeps at most maxKeys readings, letting the oldest go", async () => {
    const cache = recentReadings<string>({ ttlMs: 60_000, maxKeys: 2 });
    await cache.read("a", async () => "a1");
    await cache.read("b", async () => "b1");
    await cache.read("c", async () => "c1");
    expect(await cache.read("a", async () => "a2")).toBe("a2");
    expect(await cache.read("c", async () => "c2")).toBe("c1");
  });
});
