import { describe, expect, it } from "vitest";
import { nextRegularRefresh } from "./regular-refresh";

describe("the next regular refresh", () => {
  const next = (day: number, now: string) => nextRegularRefresh(day, new Date(now)).toISOString();

  it("is this month's while the day before's last pass can still tell of it, else next month's", () => {
    expect(next(15, "2026-04-10T12:00:00Z")).toBe("2026-04-15T02:15:00.000Z");
    expect(next(15, "2026-04-14T23:14:00Z")).toBe("2026-04-15T02:15:00.000Z");
    // Chosen after the day before's last pass (23:15), or on the day itself: nobody could be told in time.
    expect(next(15, "2026-04-14T23:16:00Z")).toBe("2026-05-15T02:15:00.000Z");
    expect(next(15, "2026-04-15T01:00:00Z")).toBe("2026-05-15T02:15:00.000Z");
    expect(next(15, "2026-04-20T08:00:00Z")).toBe("2026-05-15T02:15:00.000Z");
  });

  it("crosses a year's end, and a month's first day is told on the last day of the month before", () => {
    expect(next(3, "2026-12-20T08:00:00Z")).toBe("2027-01-03T02:15:00.000Z");
    expect(next(1, "2026-04-30T22:00:00Z")).toBe("2026-05-01T02:15:00.000Z");
    expect(next(1, "2026-05-01T00:30:00Z")).toBe("2026-06-01T02:15:00.000Z");
  });
});
