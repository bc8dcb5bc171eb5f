/**
 * A copy that production feeds at a trickle stops as soon as its pace shows it cannot make
 * its deadline; one that keeps pace, has read all it expected, or is waiting for a
 * statement's first row is left to go on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { copyPace } from "./copy-pace";

const MB = 1024 * 1024;
const BOUNDS = { graceMs: 10_000, everyMs: 1_000 };

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-12-05T12:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A copy of `expectedBytes` due in `deadlineInMs`, fed `bytesPerSecond` on one stream for `seconds`. */
function feed(expectedBytes: number, deadlineInMs: number, bytesPerSecond: (second: number) => number, seconds: number) {
  const pace = copyPace(Date.now() + deadlineInMs, BOUNDS);
  pace.start(expectedBytes);
  let streamed = 0;
  for (let second = 1; second <= seconds && !pace.signal.aborted; second++) {
    streamed += bytesPerSecond(second);
    pace.report("table:contact", streamed);
    vi.advanceTimersByTime(1_000);
  }
  pace.stop();
  return pace;
}

describe("a copy's pace", () => {
  it("stops a copy that slowed to a trickle after a fast start, judged by the trickle, in words that say why", () => {
    // 100 MB due in 10 minutes: 20 MB in its first 5 s, then 10 KB/s.
    const pace = feed(100 * MB, 600_000, (s) => (s <= 5 ? 4 * MB : 10 * 1024), 60);
    expect(pace.stopped()).toMatchObject({ code: "DEADLINE" });
    expect(pace.stopped()!.message).toMatch(/^Production gave the copy its rows at 10\.0 KB\/s over the last 10 s: at that pace the rest of the 100\.0 MB it reads would take about \d+ h \d+ min more, past the run's deadline \(\d+ min \d+ s away\)\. The copy stopped now rather than hold production's snapshot until then\.$/);
    expect(pace.signal.aborted).toBe(true);
  });

  it("leaves a copy that keeps pace, even a slow one, and one that has read all it expected", () => {
    // 100 MB at 0.5 MB/s: 200 s, within 600 s with room to spare.
    expect(feed(100 * MB, 600_000, () => MB / 2, 120).stopped()).toBeUndefined();
    // Its table sizes under-reckoned what streams: past the expectation, slow as it then goes, it is never stopped.
    expect(feed(1 * MB, 60_000, (s) => (s <= 5 ? MB / 5 : 1024), 55).stopped()).toBeUndefined();
  });

  it("leaves a copy whose statement is still working out its first row, and judges none without a deadline", () => {
    expect(feed(100 * MB, 600_000, () => 0, 60).stopped()).toBeUndefined();
    const undated = copyPace(undefined, BOUNDS);
    undated.start(100 * MB);
    undated.report("table:contact", 1);
    vi.advanceTimersByTime(60_000);
    expect(undated.stopped()).toBeUndefined();
  });
});
