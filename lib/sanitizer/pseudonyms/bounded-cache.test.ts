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

  it("never holds more than its budget: full, it keeps the values still in use and forgets the rest; a value larger than half of it is not kept", () => {
    // Each entry below costs 96 + 2 × (5 + 5) bytes: four fit in each half of 1,008.
    const cache = new BoundedCache(1_008);
    let made = 0;
    const make = (v: string) => (made++, v);
    for (let i = 0; i < 10; i++) cache.get(`key-${i}`, make);
    made = 0;
    // key-8 and key-9 are in the newest half, key-4 to key-7 in the one before; key-0 is forgotten.
    cache.get("key-9", make);
    cache.get("key-5", make);
    cache.get("key-0", make);
    expect(made).toBe(1);
    const huge = "x".repeat(500);
    cache.get(huge, make);
    cache.get(huge, make);
    expect(made).toBe(3);
  });
});
