import { describe, expect, it } from "vitest";
import { baseCopyBytes, estimateSeconds, FIXED_SECONDS, formatDuration, throughputFromRuns } from "./estimate";

describe("copy estimate", () => {
  it("leaves documents and attachments out of the default copy", () => {
    expect(baseCopyBytes({ databaseBytes: 1000, documentBytes: 300, attachmentBytes: 200 })).toBe(500);
    expect(baseCopyBytes({ databaseBytes: 100, documentBytes: 300, attachmentBytes: 0 })).toBe(0);
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

  it("says durations in words", () => {
    expect(formatDuration(30)).toBe("under a minute");
    expect(formatDuration(61)).toBe("about 1 minute");
    expect(formatDuration(60 * 75)).toBe("about 1 h 15 min");
  });
});
