import { describe, expect, it } from "vitest";
import { copyLimits, rateTooSlowForDeadline } from "./copy-limits";

const GB = 1024 ** 3;
const HOUR = 3_600_000;

describe("a run's deadline", () => {
  it("grows with production's size, from its minimum, up to its most: a production claiming terabytes holds its snapshot and a worker 12 hours at most", () => {
    const limits = copyLimits({});
    expect(limits.deadlineMs(0)).toBe(15 * 60_000);
    expect(limits.deadlineMs(3 * GB)).toBe(60 * 60_000);
    expect(limits.deadlineMs(1024 * GB)).toBe(12 * HOUR);
    expect(copyLimits({ COPY_DEADLINE_MAX_HOURS: "48" }).deadlineMs(1024 * GB)).toBe(48 * HOUR);
    // Never past PostgreSQL's longest statement_timeout.
    expect(() => copyLimits({ COPY_DEADLINE_MAX_HOURS: "1000" })).toThrow();
  });

  it("is known at the start to be out of reach at the customer's copy rate, and says what to change", () => {
    expect(rateTooSlowForDeadline(100 * GB, 0, 12 * HOUR)).toBeNull();
    expect(rateTooSlowForDeadline(100 * GB, 10, 12 * HOUR)).toBeNull();
    expect(rateTooSlowForDeadline(100 * GB, 1, 12 * HOUR)).toMatch(/^At the copy rate set for this customer \(1 MB\/s\), reading the 100\.0 GB this copy takes from production would take about 29 h 49 min, longer than a run may take \(12 h 0 min\)\. An operator must raise/);
  });
});

describe("the copy limits' variables", () => {
  it("read one set to nothing as unset: its default, not 0", () => {
    expect(copyLimits({ COPY_RATE_LIMIT_MBPS: "", COPY_MAX_ATTEMPTS: "" })).toMatchObject({ rateLimitMBps: copyLimits({}).rateLimitMBps, maxAttempts: copyLimits({}).maxAttempts });
    expect(copyLimits({ COPY_MAX_ATTEMPTS: "" }).maxAttempts).toBeGreaterThan(0);
  });
});

describe("the copy limits' waits", () => {
  it("are refused at start when PostgreSQL or Node cannot keep them: one too long for a timer fired at once, one below a millisecond was no bound at all", () => {
    for (const name of ["PRODUCTION_CONNECT_TIMEOUT_SECONDS", "SANDBOX_SERVER_CONNECT_TIMEOUT_SECONDS", "SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS", "PRODUCTION_LOCK_TIMEOUT_SECONDS", "PRODUCTION_STATEMENT_TIMEOUT_SECONDS", "PRODUCTION_IDLE_TIMEOUT_SECONDS", "PRODUCTION_BLOCKING_GRACE_SECONDS", "COPY_RETRY_BACKOFF_SECONDS"]) {
      // 35 days: past a Node timer's 24.8 days (it then fires after 1 ms) and PostgreSQL's longest timeout.
      expect(() => copyLimits({ [name]: "3000000" }), name).toThrow(/at most 2073600/);
      // 0.1 ms: PostgreSQL rounds a timeout to whole milliseconds, and 0 turns it off.
      expect(() => copyLimits({ [name]: "0.0001" }), name).toThrow(/at least 0.001/);
      expect(() => copyLimits({ [name]: "2073600" }), name).not.toThrow();
    }
    expect(copyLimits({ PRODUCTION_STATEMENT_TIMEOUT_SECONDS: "0.5" }).statementTimeoutMs).toBe(500);
  });
});
