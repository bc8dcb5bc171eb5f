/**
 * Production's catalog is read whole: a hostile one is measured first, on the server,
 * and refused in the customer's words; an ordinary one is read.
 */
import { chmod, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openProductionClient } from "../crm/read-only";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { withClient } from "../testing/sanitizer-fixtures";
import { CATALOG_BOUNDS, readSourceSchema, type CatalogBounds } from "./schema-reader";

let db: string;

beforeAll(async () => {
  db = await createTestDatabase("catalogbounds");
  await withClient(db, (c) => c.query("CREATE TABLE contact (id int PRIMARY KEY, kind text)"));
});
afterAll(async () => {
  await dropTestDatabase(db);
});

describe("readSourceSchema", () => {
  it("reads an ordinary catalog, and refuses a constraint larger than it reads before reading any", async () => {
    expect((await withClient(db, readSourceSchema)).tables.map((t) => t.name)).toEqual(["contact"]);
    // Some 5 MB as PostgreSQL stores it: 40,000 values.
    const values = Array.from({ length: 40_000 }, (_v, i) => `'value-${i}-${"x".repeat(20)}'`).join(", ");
    await withClient(db, (c) => c.query(`ALTER TABLE contact ADD CONSTRAINT contact_kind_check CHECK (kind IN (${values}))`));
    await expect(withClient(db, readSourceSchema)).rejects.toMatchObject({
      code: "COPY_FAILED",
      technical: false,
      message: "Production's schema has a constraint larger than 1 MB: more than the portal reads. Contact support.",
    });
  });

  it("reads each sequence's position as the role may: from the sequence, or as pg_sequences does when it may only use it", async () => {
    await inFreshDatabase("catalogsequences", async (fresh) => {
      const role = `sequence_user_${process.pid}`;
      await withClient(fresh, (c) =>
        c.query(`CREATE SEQUENCE readable; CREATE SEQUENCE usable; CREATE SEQUENCE hidden; CREATE SEQUENCE untouched;
                 SELECT setval('readable', 41), setval('usable', 42), setval('hidden', 43);
                 CREATE ROLE ${role} LOGIN PASSWORD 'reader';
                 GRANT SELECT ON SEQUENCE readable, untouched TO ${role}; GRANT USAGE ON SEQUENCE usable TO ${role}`),
      );
      try {
        const asRole = new URL(fresh);
        asRole.username = role;
        asRole.password = "reader";
        const sequences = (await withClient(asRole.toString(), readSourceSchema)).sequences;
        expect(Object.fromEntries(sequences.map((s) => [s.name, s.lastValue]))).toEqual({ readable: "41", usable: "42", hidden: null, untouched: null });
      } finally {
        await withClient(fresh, (c) => c.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`));
      }
    });
  });

  it("refuses an enum of more labels than it reads, before reading any", async () => {
    await inFreshDatabase("catalogenums", async (fresh) => {
      const bounds = { ...CATALOG_BOUNDS, enumLabels: 3 };
      await withClient(fresh, (c) => c.query("CREATE TYPE kind AS ENUM ('a', 'b', 'c')"));
      expect((await read(fresh, bounds)).enums).toEqual([{ name: "kind", labels: ["a", "b", "c"] }]);
      await withClient(fresh, (c) => c.query("ALTER TYPE kind ADD VALUE 'd'"));
      await expect(read(fresh, bounds)).rejects.toMatchObject({
        code: "COPY_FAILED",
        technical: false,
        message: "Production's schema has more than 3 enum labels: more than the portal reads. Contact support.",
      });
    });
  });

  it("refuses more objects than it reads in any schema (functions of a schema of production's own), reading no more of them", async () => {
    await inFreshDatabase("catalogobjects", async (fresh) => {
      const bounds = { ...CATALOG_BOUNDS, objects: 4 };
      const addFunction = (n: number) => withClient(fresh, (c) => c.query(`CREATE FUNCTION elsewhere.f${n}() RETURNS int LANGUAGE sql AS 'SELECT 1'`));
      await withClient(fresh, (c) => c.query("CREATE SCHEMA elsewhere"));
      for (const n of [1, 2, 3]) await addFunction(n);
      // The schema and its three functions.
      expect((await read(fresh, bounds)).objects.map((o) => o.name)).toEqual(["f1()", "f2()", "f3()", "elsewhere"]);
      await addFunction(4);
      await expect(read(fresh, bounds)).rejects.toMatchObject({
        code: "COPY_FAILED",
        technical: false,
        message: "Production's schema has more than 4 tables, types, functions and other objects: more than the portal reads. Contact support.",
      });
    });
  });
});

describe("a sequence owned by something other than a plain table (production is untrusted input)", () => {
  it("runs none of production's code: a view's column, a foreign table's, a table with a foreign child", async () => {
    await inFreshDatabase("catalogowners", async (fresh) => {
      // What production's code does when it runs in the portal's session: a mark the portal would see, and
      // the session's search_path (rule 16's guard for every statement after) turned to production's `public`.
      const marks = await mkdtemp(path.join(tmpdir(), "owned-by-"));
      await chmod(marks, 0o777);
      try {
        await withClient(fresh, (c) =>
          c.query(`CREATE FUNCTION tripwire() RETURNS int LANGUAGE plpgsql AS $$
                     BEGIN RAISE NOTICE 'production code ran'; PERFORM pg_catalog.set_config('search_path', 'public, pg_catalog', false); RETURN 1; END $$;
                   CREATE VIEW tripwire_view AS SELECT tripwire() AS n;
                   CREATE SEQUENCE by_view OWNED BY tripwire_view.n;
                   CREATE EXTENSION file_fdw;
                   CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
                   CREATE FOREIGN TABLE tripwire_program (n int) SERVER files OPTIONS (program 'echo 1 > ${marks}/foreign-table; echo 7');
                   CREATE SEQUENCE by_foreign_table OWNED BY tripwire_program.n;
                   CREATE TABLE loyalty (n int);
                   CREATE FOREIGN TABLE loyalty_elsewhere () INHERITS (loyalty) SERVER files OPTIONS (program 'echo 1 > ${marks}/foreign-child; echo 8');
                   CREATE SEQUENCE by_table OWNED BY loyalty.n;`),
        );
        const client = await openProductionClient(fresh);
        const notices: string[] = [];
        client.on("notice", (n) => notices.push(n.message ?? ""));
        try {
          await client.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
          const schema = await readSourceSchema(client);
          expect(notices).toEqual([]);
          expect((await client.query("SELECT current_setting('search_path') AS p")).rows[0].p).toBe("pg_catalog,pg_temp");
          expect(await readdir(marks)).toEqual([]);
          // The table's own rows are read (none), not its foreign child's; the others own no column the copy continues after.
          const owned = Object.fromEntries(schema.sequences.map((s) => [s.name, { ownedBy: s.ownedBy, ownedMax: s.ownedMax }]));
          expect(owned).toEqual({
            by_foreign_table: { ownedBy: null, ownedMax: null },
            by_table: { ownedBy: { table: "loyalty", column: "n" }, ownedMax: null },
            by_view: { ownedBy: null, ownedMax: null },
          });
        } finally {
          await client.end();
        }
      } finally {
        await rm(marks, { recursive: true, force: true });
      }
    });
  });
});

describe("an index or statistics of production's tables that calls production's own function", () => {
  it("is refused before any table is read: planning any query on the table runs the function, folded as IMMUTABLE", async () => {
    await inFreshDatabase("catalogfolded", async (fresh) => {
      await withClient(fresh, (c) =>
        c.query(`CREATE TABLE company (id int PRIMARY KEY, name text);
                 CREATE SEQUENCE company_id_seq OWNED BY company.id;
                 CREATE FUNCTION tripwire() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
                   BEGIN RAISE NOTICE 'production code ran'; PERFORM pg_catalog.set_config('search_path', 'public, pg_catalog', false); RETURN 1; END $$;
                 CREATE INDEX company_folded ON company ((id + tripwire()));
                 CREATE INDEX company_lower_name ON company (lower(name));`),
      );
      const client = await openProductionClient(fresh);
      const notices: string[] = [];
      client.on("notice", (n) => notices.push(n.message ?? ""));
      try {
        await client.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
        await expect(readSourceSchema(client)).rejects.toMatchObject({
          code: "COPY_FAILED",
          technical: false,
          message: expect.stringContaining('index "company_folded" on table "company"'),
        });
        expect(notices).toEqual([]);
        expect((await client.query("SELECT current_setting('search_path') AS p")).rows[0].p).toBe("pg_catalog,pg_temp");
      } finally {
        await client.end();
      }
      // A partial index's predicate and an expression statistics object are folded alike; a built-in's index is read.
      await withClient(fresh, (c) =>
        c.query(`DROP INDEX company_folded; CREATE INDEX company_partial ON company (name) WHERE tripwire() = 1;
                 CREATE STATISTICS company_stats ON (id + tripwire()), name FROM company;`),
      );
      const refused = (await withClient(fresh, readSourceSchema).catch((e: unknown) => e)) as Error;
      expect(refused.message).toContain('index "company_partial" on table "company"');
      expect(refused.message).toContain('statistics "company_stats" on table "company"');
      await withClient(fresh, (c) => c.query("DROP INDEX company_partial; DROP STATISTICS company_stats"));
      expect((await withClient(fresh, readSourceSchema)).tables.map((t) => t.name)).toEqual(["company"]);
    });
  });
});

const read = (url: string, bounds: CatalogBounds) => withClient(url, (c) => readSourceSchema(c, bounds));

async function inFreshDatabase(name: string, test: (url: string) => Promise<void>): Promise<void> {
  const fresh = await createTestDatabase(name);
  try {
    await test(fresh);
  } finally {
    await dropTestDatabase(fresh);
  }
}
