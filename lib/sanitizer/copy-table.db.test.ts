/**
 * One table's stream from production into the copy: every row read must be a row
 * loaded. A stage that loses or adds a row on the way (here, a rewriting stage made
 * faulty on purpose) fails the copy instead of leaving the checks to compare the
 * copy with what was loaded.
 */
import { Transform, type TransformCallback } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oneOffQuery } from "../db/one-off-query";
import { createTestDatabase, dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { newSandboxName, withClient } from "../testing/sanitizer-fixtures";
import { copyTable } from "./copy-table";
import { dropSandboxDatabase } from "./drop";
import { SanitizationError } from "./errors";

let source = "";
let target = "";
const ROWS = 500;
const plan = { table: "t", select: "SELECT id, name FROM t", columns: ["id", "name"], binary: false };

beforeAll(async () => {
  source = await createTestDatabase("copytable_source");
  target = await createTestDatabase("copytable_target");
  await withClient(source, (c) => c.query(`CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t SELECT i, 'name ' || i FROM generate_series(1, ${ROWS}) i`));
});
afterAll(async () => {
  await dropTestDatabase(source);
  await dropTestDatabase(target);
});

/** A stage that passes COPY text on with its whole rows changed by `change` (rows kept whole: cut at newlines). */
function rowsChanged(change: (rows: string[]) => string[]): Transform {
  let pending = "";
  return new Transform({
    transform(chunk: Buffer, _e, done: TransformCallback) {
      const text = pending + chunk.toString("utf8");
      const end = text.lastIndexOf("\n") + 1;
      pending = text.slice(end);
      const rows = text.slice(0, end).split("\n").slice(0, -1);
      done(null, rows.length ? change(rows).map((r) => `${r}\n`).join("") : "");
    },
    flush(done: TransformCallback) {
      done(null, pending);
    },
  });
}

async function copy(rewrite?: Transform) {
  await withClient(target, (c) => c.query("DROP TABLE IF EXISTS t; CREATE TABLE t (id int, name text)"));
  return withClient(source, (s) => withClient(target, (t) => copyTable(s, t, plan, () => undefined, undefined, undefined, rewrite)));
}

describe("copying one table", () => {
  it("loads every row it reads", async () => {
    expect((await copy()).rows).toBe(ROWS);
    expect((await copy(rowsChanged((rows) => rows))).rows).toBe(ROWS);
  });

  it("fails when a stage on the way loses a row", async () => {
    const error = await copy(rowsChanged((rows) => rows.slice(1))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SanitizationError);
    expect((error as SanitizationError).code).toBe("COPY_FAILED");
    expect((error as SanitizationError).message).toMatch(/read 500 rows from production but loaded \d+/);
  });

  it("fails when a stage on the way adds a row", async () => {
    const error = await copy(rowsChanged((rows) => [...rows, rows[0]!])).catch((e: unknown) => e);
    expect((error as SanitizationError).code).toBe("COPY_FAILED");
  });

  it.each(["text", "binary"] as const)(
    "in %s, begins the sandbox's COPY only once production's first row comes: a drop on the sandbox server meanwhile is not held",
    async (format) => {
      await withClient(target, (c) => c.query("DROP TABLE IF EXISTS t; CREATE TABLE t (id int, name text)"));
      // Production gives its first row only once the test lets it: it waits for a lock the test holds.
      const gate = new pg.Client({ connectionString: source });
      await gate.connect();
      await gate.query("SELECT pg_advisory_lock(7001)");
      const gated = { ...plan, select: "SELECT id, name FROM t WHERE (SELECT pg_advisory_lock_shared(7001)::text) IS NOT NULL" };
      const elsewhere = newSandboxName();
      await oneOffQuery(testSandboxServerUrl(), `CREATE DATABASE ${elsewhere}`);
      process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS = "5";
      try {
        const copying = withClient(source, (s) => withClient(target, (t) => copyTable(s, t, gated, () => undefined, undefined, undefined, undefined, format)));
        await expect.poll(() => waitingForTheGate(), { timeout: 10_000 }).toBe(true);

        // Before: the copy's session waited mid-COPY on the sandbox server, and the drop with it.
        await dropSandboxDatabase(testSandboxServerUrl(), elsewhere);
        expect(await waitingForTheGate()).toBe(true);

        await gate.query("SELECT pg_advisory_unlock(7001)");
        expect((await copying).rows).toBe(ROWS);
      } finally {
        delete process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS;
        await gate.end();
        await dropSandboxDatabase(testSandboxServerUrl(), elsewhere);
      }
    },
  );

  it("loads nothing when production has no rows, in text and in binary", async () => {
    await withClient(target, (c) => c.query("DROP TABLE IF EXISTS t; CREATE TABLE t (id int, name text)"));
    const none = { ...plan, select: "SELECT id, name FROM t WHERE false" };
    for (const format of ["text", "binary"] as const) {
      const copied = await withClient(source, (s) => withClient(target, (t) => copyTable(s, t, none, () => undefined, undefined, undefined, undefined, format)));
      expect(copied.rows).toBe(0);
    }
  });
});

/** Whether production's COPY waits for the test's lock. */
async function waitingForTheGate(): Promise<boolean> {
  const rows = await oneOffQuery<{ waiting: boolean }>(
    testServerAdminUrl(),
    "SELECT count(*) > 0 AS waiting FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE 'COPY (SELECT id, name FROM t WHERE%'",
    [new URL(source).pathname.slice(1)],
  );
  return rows[0]!.waiting;
}
