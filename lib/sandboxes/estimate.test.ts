import { describe, expect, it } from "vitest";
import { baseCopyBytes, estimateRemainingMs, estimateSeconds, FIXED_SECONDS, progressFraction, throughputFromRuns, typicalDurationMs } from "./estimate";

describe("copy estimate", () => {
  it("leaves documents and attachments out of the default copy", () => {
    expect(baseCopyBytes({ databaseBytes: 1000, documentBytes: 300, attachmentBytes: 200, configurationBytes: 50, rows: 0, configurationRows: 0 })).toBe(500);
    expect(baseCopyBytes({ databaseBytes: 100, documentBytes: 300, attachmentBytes: 0, configurationBytes: 50, rows: 0, configurationRows: 0 })).toBe(0);
    // A configuration-only copy moves the configuration tables alone, whatever the documents weigh.
    expect(baseCopyBytes({ databaseBytes: 1000, documentBytes: 300, attachmentBytes: 200, configurationBytes: 50, rows: 0, configurationRows: 0 }, "config")).toBe(50);
    // A partial copy: the configuration and its share of the records.
    expect(baseCopyBytes({ databaseBytes: 1000, documentBytes: 300, attachmentBytes: 200, configurationBytes: 50, rows: 0, configurationRows: 0 }, "partial", 0.1)).toBe(95);
  });

  it("is linear in the bytes moved plus a fixed cost", () => {
    expect(estimateSeconds(0, { bytesPerSecond: 10 })).toBe(FIXED_SECONDS);
    expect(estimateSeconds(1000, { bytesPerSecond: 10 })).toBe(FIXED_SECONDS + 100);
  });

  it("takes the median rate of past runs, ignoring empty ones", () => {
    expect(throughputFromRuns([])).toBeNull();
    expect(throughputFromRuns([{ bytes: 100, seconds: 1 }, { bytes: 300, seconds: 1 }, { bytes: 0, seconds: 5 }, { bytes: 200, seconds: 1 }])).toBe(200);
    expect(throughputFromRuns([{ bytes: 100, seconds: 1 }, { bytes: 300, seconds: 1 }])).toBe(200);
  });
});

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
});
