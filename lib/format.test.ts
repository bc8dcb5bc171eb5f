import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatEstimate, formatWhen, whenIn } from "./format";

describe("formatting for people", () => {
  it("writes measured durations exactly, to the second", () => {
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(200_000)).toBe("3 min 20 s");
    expect(formatDuration(3_900_000)).toBe("1 h 5 min");
    expect(formatDuration(-5)).toBe("0 s");
  });

  it("rounds estimates as estimates", () => {
    expect(formatEstimate(30_000)).toBe("under a minute");
    expect(formatEstimate(61_000)).toBe("about 1 minute");
    expect(formatEstimate(75 * 60_000)).toBe("about 1 h 15 min");
    expect(formatEstimate(120 * 60_000)).toBe("about 2 h");
  });

  it("writes sizes in binary multiples, and a missing size as a dash", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(846n * 1024n * 1024n)).toBe("846.0 MB");
    expect(formatBytes(null)).toBe("—");
  });

  it("writes moments in UTC, the same on server and browser, with a chosen word for none", () => {
    expect(formatWhen(new Date("2026-11-30T18:40:00Z"))).toBe("30 Nov 2026, 18:40 UTC");
    expect(formatWhen("2026-11-30T18:40:00Z")).toBe("30 Nov 2026, 18:40 UTC");
    expect(formatWhen(null)).toBe("—");
    expect(formatWhen(null, "Never")).toBe("Never");
  });

  it("writes moments in the reader's zone, named, summer time and half hours included", () => {
    const at = new Date("2026-11-30T18:40:00Z");
    expect(formatWhen(at, "—", "Europe/Oslo")).toBe("30 Nov 2026, 19:40 CET");
    expect(formatWhen(new Date("2026-07-01T18:40:00Z"), "—", "Europe/Oslo")).toBe("1 Jul 2026, 20:40 CEST");
    // The day changes with the zone.
    expect(formatWhen(at, "—", "Asia/Kolkata")).toBe("1 Dec 2026, 00:10 GMT+5:30");
    expect(whenIn("America/New_York")(at)).toBe("30 Nov 2026, 13:40 GMT-5");
    expect(whenIn("Europe/Oslo")(null, "Never")).toBe("Never");
  });
});
