import { afterEach, describe, expect, it } from "vitest";
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
