import { describe, expect, it } from "vitest";
import { BoundedCache } from "./bounded-cache";

describe("BoundedCache", () => {
  it("works a value out once while it is kept", () => {
    const cache = new BoundedCache(10_000);
    let made = 0;
    const make = (v: string) => (made++, v.toUpperCase());
    expect([cache.get("kari", make), cache.get("kari", make), cache.get("ola", make)]).toEqual(["KARI", "KARI", "OLA"]);
    expect(made).toBe(2);
  });

  it("never holds more than its budget: full, it starts afresh; a value larger than all of it is not kept", () => {
    // Each entry below costs 96 + 2 × (5 + 5) bytes: eight fit in 1,008, the ninth starts afresh.
    const cache = new BoundedCache(1_008);
    let made = 0;
    const make = (v: string) => (made++, v);
    for (let i = 0; i < 10; i++) cache.get(`key-${i}`, make);
    made = 0;
    cache.get("key-9", make);
    cache.get("key-0", make);
    expect(made).toBe(1);
    const huge = "x".repeat(1_000);
    cache.get(huge, make);
    cache.get(huge, make);
    expect(made).toBe(3);
  });
});
