import { describe, expect, it } from "vitest";
import {
  baseCopyBytes,
  copyShape,
  estimateRemainingMs,
  estimateSeconds,
  filesCopyBytes,
  FIXED_SECONDS,
  MIN_RATE_BYTES,
  progressFraction,
  PSEUDONYMISED_TIME_FACTOR,
  pseudonymisedFactorFromRuns,
  pseudonymisingTakes,
  tellsRate,
  throughputFromRuns,
  typicalDurationMs,
  type PastCopy,
} from "./estimate";

describe("copy estimate", () => {
  it("leaves documents and attachments out of the default copy", () => {
    expect(baseCopyBytes({ databaseBytes: 1000, documentBytes: 300, attachmentBytes: 200, configurationBytes: 50, rows: 0, configurationRows: 0 })).toBe(500);
    expect(baseCopyBytes({ databaseBytes: 100, documentBytes: 300, attachmentBytes: 0, configurationBytes: 50, rows: 0, configurationRows: 0 })).toBe(0);
    // A configuration-only copy moves the configuration tables alone, whatever the documents weigh.
    expect(baseCopyBytes({ databaseBytes: 1000, documentBytes: 300, attachmentBytes: 200, configurationBytes: 50, rows: 0, configurationRows: 0 }, "config")).toBe(50);
    // A partial copy: the configuration and its share of the records.
    expect(baseCopyBytes({ databaseBytes: 1000, documentBytes: 300, attachmentBytes: 200, configurationBytes: 50, rows: 0, configurationRows: 0 }, "partial", 0.1)).toBe(95);
  });

  it("adds a partial copy's share of the documents and attachments, as of its records, and none to a copy that moves no files", () => {
    expect(filesCopyBytes(1000, "full", "keep")).toBe(1000);
    // The chosen companies' files come with them, not every company's.
    expect(filesCopyBytes(1000, "partial", "keep", 0.1)).toBe(100);
    expect(filesCopyBytes(1000, "config", "keep")).toBe(0);
    expect(filesCopyBytes(1000, "full", "pseudonymise")).toBe(0);
    expect(filesCopyBytes(1000, "partial", "pseudonymise", 0.1)).toBe(0);
  });

  it("is linear in the bytes moved plus a fixed cost", () => {
    expect(estimateSeconds(0, { bytesPerSecond: 10 })).toBe(FIXED_SECONDS);
    expect(estimateSeconds(1000, { bytesPerSecond: 10 })).toBe(FIXED_SECONDS + 100);
  });

  const MB = 1024 * 1024;
  const kept = (bytes: number, seconds: number): PastCopy => ({ bytes, seconds, personalData: "keep" });

  it("takes the median rate of past runs, ignoring empty ones", () => {
    expect(throughputFromRuns([])).toBeNull();
    expect(throughputFromRuns([kept(100 * MB, 1), kept(300 * MB, 1), kept(0, 5), kept(200 * MB, 1)])).toBe(200 * MB);
    expect(throughputFromRuns([kept(100 * MB, 1), kept(300 * MB, 1)])).toBe(200 * MB);
  });

  it("takes no rate from copies too small to show one, or from pseudonymised ones", () => {
    // A configuration-only copy: kilobytes in two seconds. As a rate, a 140 MB copy would take an hour.
    const configOnly = kept(120 * 1024, 2);
    expect(throughputFromRuns([configOnly])).toBeNull();
    expect(throughputFromRuns([configOnly, configOnly, kept(140 * MB, 7)])).toBe(20 * MB);
    // A pseudonymised copy of the same production: its time is not a plain copy's.
    expect(throughputFromRuns([{ bytes: 140 * MB, seconds: 25, personalData: "pseudonymise" }, kept(140 * MB, 7)])).toBe(20 * MB);
    expect(tellsRate(kept(MIN_RATE_BYTES, 1))).toBe(true);
    expect(tellsRate(kept(MIN_RATE_BYTES - 1, 1))).toBe(false);
  });

  it("expects a pseudonymised copy to take PSEUDONYMISED_TIME_FACTOR plain ones, fixed costs too", () => {
    const rate = { bytesPerSecond: 10 * MB };
    expect(estimateSeconds(100 * MB, rate, "pseudonymise")).toBe(Math.round((FIXED_SECONDS + 10) * PSEUDONYMISED_TIME_FACTOR));
    expect(estimateSeconds(100 * MB, rate, "keep")).toBe(FIXED_SECONDS + 10);
  });

  it("learns how much longer pseudonymising takes from the tenant's own pseudonymised copies", () => {
    const pseudonymised = (bytes: number, seconds: number): PastCopy => ({ bytes, seconds, personalData: "pseudonymise" });
    const rate = 10 * MB;
    // 100 MB at 10 MB/s is FIXED_SECONDS + 10 s kept: copies that took 2, 3 and 10 times that give the median, 3.
    const plain = FIXED_SECONDS + 10;
    expect(pseudonymisedFactorFromRuns([pseudonymised(100 * MB, 2 * plain), pseudonymised(100 * MB, 10 * plain), pseudonymised(100 * MB, 3 * plain)], rate)).toBeCloseTo(3, 6);
    // Copies that kept people, or moved too little to tell (a configuration-only one), say nothing of it.
    expect(pseudonymisedFactorFromRuns([kept(100 * MB, 5 * plain), pseudonymised(MIN_RATE_BYTES - 1, 60)], rate)).toBeNull();
    // Never below 1: a pseudonymised copy that ran in a quiet hour does not make pseudonymising look free.
    expect(pseudonymisedFactorFromRuns([pseudonymised(100 * MB, plain / 2)], rate)).toBe(1);

    const learned = { bytesPerSecond: rate, pseudonymisedFactor: 2 };
    expect(estimateSeconds(100 * MB, learned, "pseudonymise")).toBe(2 * plain);
    expect(estimateSeconds(100 * MB, learned, "keep")).toBe(plain);
    expect(pseudonymisingTakes(learned)).toBe("your pseudonymised copies took about 2 times as long as copies that kept people");
    expect(pseudonymisingTakes({ pseudonymisedFactor: 2.84 })).toContain("about 2.8 times");
    expect(pseudonymisingTakes({})).toBe("pseudonymising people takes several times as long as keeping them");
  });

  it("tells copies apart by what decides their time: kind, personal data, documents and attachments", () => {
    // Options saved before a choice existed read as its default.
    expect(copyShape({})).toBe(copyShape({ kind: "full", personalData: "keep", documents: { mode: "none" }, serviceAttachments: false }));
    expect(copyShape(null)).toBe(copyShape({}));
    // Other choices (the domain, the plans) do not change how long a copy takes.
    expect(copyShape({ invalidationDomain: "a.example", keepEnabledTaskIds: [3] })).toBe(copyShape({}));
    for (const other of [{ kind: "config" }, { kind: "partial" }, { personalData: "pseudonymise" }, { documents: { mode: "all" } }, { serviceAttachments: true }]) {
      expect(copyShape(other)).not.toBe(copyShape({}));
    }
  });

  it("tells partial copies apart by their share: a 10 % copy's minutes say little of a 90 % copy's", () => {
    const partial = (share?: unknown) => copyShape({ kind: "partial", share });
    expect(partial({ by: "percent", percent: 90 })).not.toBe(partial({ by: "percent", percent: 10 }));
    expect(partial({ by: "since", since: "2026-01-01" })).not.toBe(partial({ by: "percent", percent: 10 }));
    // Left out, a partial copy takes 10 %; another kind's share was never in force.
    expect(partial()).toBe(partial({ by: "percent", percent: 10 }));
    expect(copyShape({ kind: "full", share: { by: "percent", percent: 90 } })).toBe(copyShape({}));
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
