import { afterEach, describe, expect, it } from "vitest";
import { SanitizationError } from "../sanitizer/errors";
import { captureLogLines } from "../testing/log-lines";
import { log, withRunLogContext } from "./log";

let restore: (() => void) | undefined;
afterEach(() => restore?.());

function capture(): Record<string, unknown>[] {
  const captured = captureLogLines();
  restore = captured.restore;
  return captured.lines;
}

const URL_WITH_PASSWORD = "postgres://u:secret@host/db";

describe("the logger", () => {
  it("never prints a connection password, however the error is logged", () => {
    const lines = capture();
    const error = Object.assign(new Error(`connect ECONNREFUSED while opening ${URL_WITH_PASSWORD}`), { code: "ECONNREFUSED" });
    log.error(error, "production connect failed");
    log.error({ err: error, detail: `retry ${URL_WITH_PASSWORD}` }, `could not open ${URL_WITH_PASSWORD}`);
    log.warn({ cause: { nested: [`postgresql://reader:secret@db:5432/x?sslmode=require`] } }, "nested");
    log.info("dsn host=db user=u password=secret dbname=x");
    log.info({ productionUrl: URL_WITH_PASSWORD, tenant: { password: "secret" } }, "keys");

    const text = JSON.stringify(lines);
    expect(lines).toHaveLength(5);
    expect(text).not.toContain("secret");
    // Still useful: the host and the kind of failure remain.
    expect(text).toContain("postgres://u:***@host/db");
    expect(lines[0]).toMatchObject({ level: 50, msg: "production connect failed", err: { type: "Error", code: "ECONNREFUSED" } });
  });

  it("leaves out the driver's client that a connection's error carries, and keeps what the error says", () => {
    const lines = capture();
    const client = { connectionParameters: { user: "postgres", host: "db.internal", port: 5432, database: "portal" }, _types: { builtins: { BOOL: 16 } } };
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL", client });
    log.error(terminated, "job queue error");
    log.error({ err: terminated }, "again");

    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.err).toMatchObject({ message: "terminating connection due to administrator command", code: "57P01", severity: "FATAL" });
      expect(line.err).not.toHaveProperty("client");
    }
    expect(JSON.stringify(lines)).not.toContain("db.internal");
    // The error itself is left as it was.
    expect(terminated.client).toBe(client);
  });

  it("leaves the rows' values PostgreSQL's errors carry out of the log (production's data), and keeps the columns and the kind", () => {
    const lines = capture();
    const violation = () =>
      Object.assign(new Error('duplicate key value violates unique constraint "contact_email_key"'), {
        code: "23505",
        detail: "Key (lower(email), company_id)=(kari.hansen@firma.no, 12) already exists.",
        where: "SQL statement \"INSERT INTO contact VALUES ('Kari Hansen')\"",
        internalQuery: "SELECT 'kari.hansen@firma.no'",
        table: "contact",
        constraint: "contact_email_key",
      });
    log.error(violation(), "copy failed");
    log.error({ err: new Error("the copy failed", { cause: violation() }) }, "run failed");
    // A NOT NULL or CHECK violation names the whole row; a value that would not parse names the value.
    log.error(Object.assign(new Error('null value in column "org_number" of relation "company" violates not-null constraint'), { code: "23502", detail: "Failing row contains (7, Hansen (Bygg) AS, kari.hansen@firma.no, null)." }), "copy failed");
    log.error(Object.assign(new Error('invalid input syntax for type uuid: "kari.hansen@firma.no"'), { code: "22P02" }), "copy failed");

    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/kari|hansen/i);
    expect(lines[2]).toMatchObject({ err: { code: "23502", detail: "(left out: it may hold a row's values)", message: expect.stringContaining('column "org_number"') } });
    expect(lines[3]).toMatchObject({ err: { message: 'invalid input syntax for type uuid: "…"' } });
    expect(lines[0]).toMatchObject({ err: { code: "23505", table: "contact", constraint: "contact_email_key", detail: "Key (lower(email), company_id)=(…)" } });
    expect(text).toContain("contact_email_key");
  });

  it("leaves out a value that would not parse when the error came wrapped, as a failed copy's does", () => {
    const lines = capture();
    const unparsed = () => Object.assign(new Error('invalid input syntax for type uuid: "kari.hansen@firma.no"'), { code: "22P02", severity: "ERROR" });
    // provision.ts: an unexpected driver error becomes the run's COPY_FAILED, its message repeated and the error as its cause.
    const failed = unparsed();
    const copyFailed = new SanitizationError("COPY_FAILED", `The copy failed: ${failed.message}`, undefined, { cause: failed, technical: true });
    log.error({ err: copyFailed, runId: "run-1" }, "run failed");
    log.error(new Error("the dry run failed", { cause: unparsed() }), "dry run failed");

    // pino writes each cause's message into the error's own message and stack.
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/kari|hansen/i);
    expect(lines[0]).toMatchObject({ err: { code: "COPY_FAILED", message: expect.stringContaining('The copy failed: invalid input syntax for type uuid: "…"') } });
    expect(lines[1]).toMatchObject({ err: { message: 'the dry run failed: invalid input syntax for type uuid: "…"' } });
  });

  it("puts the run's ids on every line logged inside the run, and only there", async () => {
    const lines = capture();
    const ids = { runId: "run-1", sandboxId: "sandbox-1", tenantId: "tenant-1" };
    await withRunLogContext(ids, async () => {
      log.info("started");
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.error(new Error("boom"), "failed");
    });
    log.info("outside");
    expect(lines[0]).toMatchObject({ ...ids, msg: "started" });
    expect(lines[1]).toMatchObject({ ...ids, msg: "failed" });
    expect(lines[2]).not.toHaveProperty("runId");
  });
});
