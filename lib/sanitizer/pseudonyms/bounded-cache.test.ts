import { describe, expect, it } from "vitest";
import { BoundedCache, repeatedValues, TRIAL_LOOKUPS } from "./bounded-cache";

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

  it("stops keeping a column's values when they do not repeat, and keeps them when they do", () => {
    const counted = () => {
      let made = 0;
      return { make: (v: string) => (made++, v), made: () => made };
    };
    // Sale titles: every one different. After the trial, a value met again is worked out again.
    const distinct = repeatedValues("free-text")!.cache;
    const d = counted();
    for (let i = 0; i < TRIAL_LOOKUPS + 1000; i++) distinct.get(`title ${i}`, d.make);
    distinct.get(`title ${TRIAL_LOOKUPS + 999}`, d.make);
    expect(d.made()).toBe(TRIAL_LOOKUPS + 1001);
    // Judged on the trial's last look-up, whether it hits or not.
    const judged = repeatedValues("email")!.cache;
    const j = counted();
    for (let i = 0; i < TRIAL_LOOKUPS - 1; i++) judged.get(`sender${i}@example.com`, j.make);
    judged.get("sender0@example.com", j.make);
    judged.get("late@example.com", j.make);
    judged.get("late@example.com", j.make);
    expect(j.made()).toBe(TRIAL_LOOKUPS + 1);
    // Cities: a few hundred, over and over; the trial's last look-up a hit.
    const repeating = repeatedValues("free-text")!.cache;
    const r = counted();
    for (let i = 0; i < 2 * TRIAL_LOOKUPS; i++) repeating.get(`city ${i % 256}`, r.make);
    expect(r.made()).toBe(256);
    expect(repeatedValues("phone")).toBeUndefined();
  });
});
