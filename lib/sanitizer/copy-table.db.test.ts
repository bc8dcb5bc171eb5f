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
import { databaseNameOf } from "../db/urls";
import { createTestDatabase, dropTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { newSandboxName, withClient } from "../testing/sanitizer-fixtures";
import { copyTable } from "./copy-table";
import { dropSandboxDatabase } from "./drop";
import { SanitizationError } from "./errors";

let source = "";
let target = "";
const ROWS = 500;
const plan = { table: "t", select: "SELECT id, name FROM t", columns: ["id", "name"], binary: false };
/** Rows of `long`: those before its gate fill far more than the server's 8 KB send buffer, so they reach the copy before it. */
const LONG_ROWS = 4000;
const GATED_MIDWAY = `SELECT id, name FROM long AS t WHERE CASE WHEN id = ${LONG_ROWS / 2} THEN (SELECT pg_advisory_lock_shared(7001)::text) IS NOT NULL ELSE true END`;

beforeAll(async () => {
  source = await createTestDatabase("copytable_source");
  target = await createTestDatabase("copytable_target");
  await withClient(source, (c) => c.query(`CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t SELECT i, 'name ' || i FROM generate_series(1, ${ROWS}) i`));
  await withClient(source, (c) => c.query(`CREATE TABLE long (id int PRIMARY KEY, name text); INSERT INTO long SELECT i, repeat('name ', 20) || i FROM generate_series(1, ${LONG_ROWS}) i`));
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

  // Production holds back its rows (the first, or those from the middle of the table on) until
  // the test lets it: they wait for a lock the test holds. Meanwhile a drop on the sandbox server
  // must go through: before, the copy's session there waited mid-COPY, and every drop with it.
  it.each([
    ["text", "its first row", "SELECT id, name FROM t WHERE (SELECT pg_advisory_lock_shared(7001)::text) IS NOT NULL", ROWS],
    ["binary", "its first row", "SELECT id, name FROM t WHERE (SELECT pg_advisory_lock_shared(7001)::text) IS NOT NULL", ROWS],
    ["text", "rows from the middle of the table on", GATED_MIDWAY, LONG_ROWS],
    ["binary", "rows from the middle of the table on", GATED_MIDWAY, LONG_ROWS],
  ] as const)("in %s, while production holds back %s, holds no drop on the sandbox server, then loads every row", async (format, _what, select, expected) => {
    await withClient(target, (c) => c.query("DROP TABLE IF EXISTS t; CREATE TABLE t (id int, name text)"));
    const gate = new pg.Client({ connectionString: source });
    await gate.connect();
    await gate.query("SELECT pg_advisory_lock(7001)");
    const elsewhere = newSandboxName();
    await oneOffQuery(testSandboxServerUrl(), `CREATE DATABASE ${elsewhere}`);
    process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS = "5";
    try {
      const copying = withClient(source, (s) => withClient(target, (t) => copyTable(s, t, { ...plan, select }, () => undefined, undefined, undefined, undefined, format)));
      await expect.poll(() => productionWaitsAtTheGate(), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => sandboxSessionsMidCopy(), { timeout: 10_000 }).toBe(0);

      await dropSandboxDatabase(testSandboxServerUrl(), elsewhere);
      expect(await productionWaitsAtTheGate()).toBe(true);

      await gate.query("SELECT pg_advisory_unlock(7001)");
      expect((await copying).rows).toBe(expected);
      const [loaded] = await oneOffQuery<{ rows: number; distinct: number }>(target, "SELECT count(*)::int AS rows, count(DISTINCT id)::int AS distinct FROM t");
      expect(loaded).toEqual({ rows: expected, distinct: expected });
    } finally {
      delete process.env.SANDBOX_SERVER_STATEMENT_TIMEOUT_SECONDS;
      await gate.end();
      await dropSandboxDatabase(testSandboxServerUrl(), elsewhere);
    }
  });

  it("loads a row longer than it holds back whole, in text and in binary", async () => {
    await withClient(source, (c) => c.query("DROP TABLE IF EXISTS wide; CREATE TABLE wide (id int, name text); INSERT INTO wide VALUES (1, 'a'), (2, repeat('long ', 700000)), (3, 'c')"));
    const wide = { ...plan, select: "SELECT id, name FROM wide AS t" };
    for (const format of ["text", "binary"] as const) {
      await withClient(target, (c) => c.query("DROP TABLE IF EXISTS t; CREATE TABLE t (id int, name text)"));
      const copied = await withClient(source, (s) => withClient(target, (t) => copyTable(s, t, wide, () => undefined, undefined, undefined, undefined, format)));
      expect(copied.rows).toBe(3);
      expect(await oneOffQuery<{ id: number; length: number }>(target, "SELECT id, length(name) AS length FROM t ORDER BY id")).toEqual([
        { id: 1, length: 1 },
        { id: 2, length: 3_500_000 },
        { id: 3, length: 1 },
      ]);
    }
  });

  it("loads nothing when production has no rows, in text and in binary", async () => {
    await withClient(target, (c) => c.query("DROP TABLE IF EXISTS t; CREATE TABLE t (id int, name text)"));
    const none = { ...plan, select: "SELECT id, name FROM t WHERE false" };
    for (const format of ["text", "binary"] as const) {
      const copied = await withClient(source, (s) => withClient(target, (t) => copyTable(s, t, none, () => undefined, undefined, undefined, undefined, format)));
      // Nothing streamed: not the binary format's 21 bytes of header and end mark ("21 B streamed").
      expect(copied, format).toEqual({ rows: 0, bytes: 0 });
    }
  });
});

/** Sessions on `url`'s database that meet `condition`. */
async function sessionsOn(url: string, condition: string): Promise<number> {
  const [row] = await oneOffQuery<{ n: number }>(testServerAdminUrl(), `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND ${condition}`, [databaseNameOf(url)]);
  return row!.n;
}

/** Whether production's COPY waits for the test's lock. */
const productionWaitsAtTheGate = async () => (await sessionsOn(source, "wait_event_type = 'Lock' AND query LIKE 'COPY (SELECT id, name FROM %pg_advisory_lock_shared%'")) > 0;

/** The copy's sessions on the sandbox server in the middle of a COPY. */
const sandboxSessionsMidCopy = () => sessionsOn(target, "state = 'active' AND query LIKE 'COPY \"t\"%'");
