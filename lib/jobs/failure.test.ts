/** What a customer reads when a run fails: the service's own words, never a driver's. */
import { describe, expect, it } from "vitest";
import { SanitizationError } from "../sanitizer/errors";
import { AppError } from "../errors";
import { describeFailure, failureCode, hasOperatorOnlyDetails, isTransient, technicalDetail } from "./failure";

describe("a failed run's reason", () => {
  it("keeps a driver's or the system's message (names, paths) for operators, and gives customers advice", () => {
    const driver = new SanitizationError("COPY_FAILED", 'The copy failed: could not extend file "base/16384/2619": No space left on device', undefined, { technical: true });
    const reason = describeFailure(driver);
    expect(reason).toBe("The sandbox could not be made. Retry; if it fails again, contact support.");
    expect(reason).not.toMatch(/base\/|extend file|space/);
    expect(hasOperatorOnlyDetails(driver)).toBe(true);
  });

  it("keeps the sandbox server's own database names for operators", () => {
    const exists = new SanitizationError("DATABASE_EXISTS", "Database sbx_cust4242_cmx1 already exists; a run never overwrites one.");
    expect(describeFailure(exists)).not.toContain("sbx_");
    expect(describeFailure(exists)).toMatch(/^The sandbox server already holds a database by the name this run's copy takes/);
    expect(technicalDetail(exists)).toContain("sbx_cust4242_cmx1");
  });

  it("shows the service's own explanation, which names only the rule, tables or columns", () => {
    const own = new SanitizationError("COPY_FAILED", "installation must hold exactly one row; it holds 2.");
    expect(describeFailure(own)).toBe("The sandbox could not be made. Retry; if it fails again, contact support. Details: installation must hold exactly one row; it holds 2.");
    expect(hasOperatorOnlyDetails(own)).toBe(false);
  });

  it("says that choices production no longer fits are chosen again, not retried: a retry takes the same choices", () => {
    // A regular refresh of a partial copy whose named company was deleted from production since the setup.
    const gone = new SanitizationError("INVALID_OPTIONS", "The options do not match production: no company with id 42.", { problems: ["no company with id 42"] });
    const reason = describeFailure(gone);
    expect(reason).toContain("Details: The options do not match production: no company with id 42.");
    expect(reason).toMatch(/fail the same way/);
    expect(reason).not.toMatch(/^The sandbox could not be made\. Retry/);
    expect(isTransient(gone)).toBe(false);
  });

  it("says when a transient failure will be retried", () => {
    const busy = new SanitizationError("PRODUCTION_BUSY", "Production was busy: a table was locked by another session for more than 30 s.");
    expect(describeFailure(busy, { retryAt: new Date("2026-12-01T10:15:00Z") })).toBe(
      "Production was busy: a table was locked by another session for more than 30 s. The copy will be retried at 2026-12-01 10:15 UTC.",
    );
    // Due within a minute: said as the minute it will have come by, not one that looks overdue.
    expect(describeFailure(busy, { retryAt: new Date("2026-12-01T10:15:59Z") })).toMatch(/retried at 2026-12-01 10:16 UTC\.$/);
    // A request's "try again later" is not a run's, which the queue retries by itself.
    expect(describeFailure(new AppError("PRODUCTION_UNREACHABLE"), { retryAt: new Date("2026-12-01T10:15:00Z") })).toBe(
      "The production database could not be reached. Nothing was changed. The copy will be retried at 2026-12-01 10:15 UTC.",
    );
    expect(describeFailure(new AppError("PRODUCTION_UNREACHABLE"), { attempts: 3 })).toBe("The production database could not be reached. Nothing was changed. It was tried 3 times; retry later.");
  });

  it("gives operators the run's own error and what caused it, without passwords", () => {
    const driver = Object.assign(new Error("connect ECONNREFUSED postgres://portal:s3cret@10.0.0.5:5432/portal"), { code: "ECONNREFUSED" });
    const own = new SanitizationError("NO_ROOM", "The copy's room on the sandbox server could not be reserved just now.", undefined, { cause: driver });
    const detail = technicalDetail(own);
    expect(detail).toMatch(/^SanitizationError \(code NO_ROOM\): The copy's room/);
    expect(detail).toMatch(/\nCaused by Error \(code ECONNREFUSED\): connect ECONNREFUSED postgres:\/\/portal:\S*@10\.0\.0\.5/);
    expect(detail).not.toContain("s3cret");
  });

  it("gives operators the driver's words for a value that would not parse, without the value (a row of production's)", () => {
    // provision.ts: an unexpected driver error becomes the run's COPY_FAILED, its message repeated and the error as its cause.
    const unparsed = Object.assign(new Error('invalid input syntax for type uuid: "kari.hansen@firma.no"'), { code: "22P02" });
    const copyFailed = new SanitizationError("COPY_FAILED", `The copy failed: ${unparsed.message}`, undefined, { cause: unparsed, technical: true });
    const detail = technicalDetail(copyFailed);
    expect(detail).not.toMatch(/kari|hansen|firma/i);
    expect(detail).toMatch(/^SanitizationError \(code COPY_FAILED\): The copy failed: invalid input syntax for type uuid: "…"/);
    expect(detail).toContain('\nCaused by Error (code 22P02): invalid input syntax for type uuid: "…"');
  });

  it("records what kind of failure it was: a server out of reach apart from other drivers' errors, a refused connection apart from an outage", () => {
    const unreachable = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" });
    expect([failureCode(unreachable), isTransient(unreachable)]).toEqual(["UNREACHABLE", true]);
    const diskFull = Object.assign(new Error("could not extend file"), { code: "53100" });
    expect(failureCode(diskFull)).toBeNull();
    const outage = new AppError("PRODUCTION_UNREACHABLE");
    expect([failureCode(outage), isTransient(outage)]).toEqual(["PRODUCTION_UNREACHABLE", true]);
    // Refused by the portal's own settings: a retry would be refused alike, so the queue does not retry it either.
    const refused = new AppError("PRODUCTION_UNREACHABLE", "The portal refused its connection to the production database.", undefined, "CONNECTION_REFUSED");
    expect([failureCode(refused), isTransient(refused)]).toEqual(["CONNECTION_REFUSED", false]);
  });
});
