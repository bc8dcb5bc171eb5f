import { describe, expect, it } from "vitest";
import { estimateRemainingMs, formatDuration, progressFraction, typicalDurationMs } from "./eta";

describe("progress and ETA", () => {
  it("counts finished and skipped steps whole and running counted steps by their share", () => {
    expect(progressFraction([])).toBe(0);
    expect(
      progressFraction([
        { key: "a", label: "A", state: "done" },
        { key: "b", label: "B", state: "skipped" },
        { key: "c", label: "C", state: "running", done: 50, total: 100, unit: "rows" },
        { key: "d", label: "D", state: "pending" },
      ]),
    ).toBeCloseTo((1 + 1 + 0.475) / 4);
  });

  it("takes the median of past runs", () => {
    expect(typicalDurationMs([])).toBeNull();
    expect(typicalDurationMs([10, 1000, 20])).toBe(20);
    expect(typicalDurationMs([10, 20, 30, 40])).toBe(25);
  });

  it("leans on history early and on the run's own pace later", () => {
    expect(estimateRemainingMs({ fraction: 0, elapsedMs: 0, typicalMs: null })).toBeNull();
    expect(estimateRemainingMs({ fraction: 0.01, elapsedMs: 1000, typicalMs: 60_000 })).toBe(59_000);
    expect(estimateRemainingMs({ fraction: 0.5, elapsedMs: 10_000, typicalMs: null })).toBe(10_000);
    // Half done after 10 s, history says 60 s: halfway between 10 s (pace) and 50 s (history).
    expect(estimateRemainingMs({ fraction: 0.5, elapsedMs: 10_000, typicalMs: 60_000 })).toBe(30_000);
    expect(estimateRemainingMs({ fraction: 1, elapsedMs: 10_000, typicalMs: 60_000 })).toBe(0);
  });

  it("formats durations in words", () => {
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(200_000)).toBe("3 min 20 s");
    expect(formatDuration(3_900_000)).toBe("1 h 5 min");
  });
});
