/**
 * One table's stream from production into the copy: every row read must be a row
 * loaded. A stage that loses or adds a row on the way (here, a rewriting stage made
 * faulty on purpose) fails the copy instead of leaving the checks to compare the
 * copy with what was loaded.
 */
import { Transform, type TransformCallback } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { withClient } from "../testing/sanitizer-fixtures";
import { copyTable } from "./copy-table";
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
});
