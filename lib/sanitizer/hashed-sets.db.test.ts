/**
 * The partial closure's conditions on a table larger than the planner will hash by
 * default: without allowHashedSets, PostgreSQL runs a subplan that scans the named set
 * again for every row (the large scale's closure statement never ended); with it,
 * every set is hashed. Reproduced small: work_mem at its minimum (64 kB) puts the
 * default limit at a few thousand rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { withClient } from "../testing/sanitizer-fixtures";
import { MAX_HASH_MEM_BYTES, allowHashedSets } from "./hashed-sets";
import { buildPartialClosure, type ForeignKeyEdge } from "./partial-closure";

let db: string;
const fk = (table: string, column: string, refTable: string): ForeignKeyEdge => ({ table, columns: [column], refTable, refColumns: ["id"] });
const EDGES = [fk("contact", "company_id", "company"), fk("sale", "company_id", "company"), fk("sale", "contact_id", "contact")];
const scopes = buildPartialClosure({ by: "percent", percent: 10 }, new Set(["company", "contact", "sale"]), EDGES);
const SALES = `${scopes.get("sale")!.ctes}SELECT count(*) FROM public.sale WHERE ${scopes.get("sale")!.where}`;

beforeAll(async () => {
  db = await createTestDatabase("hashed");
  await withClient(db, (c) =>
    c.query(`
      CREATE TABLE company (id int PRIMARY KEY);
      CREATE TABLE contact (id int PRIMARY KEY, company_id int REFERENCES company);
      CREATE TABLE sale (id int PRIMARY KEY, company_id int REFERENCES company, contact_id int REFERENCES contact);
      INSERT INTO company SELECT g FROM generate_series(1, 2000) g;
      INSERT INTO contact SELECT g, 1 + g % 2000 FROM generate_series(1, 20000) g;
      INSERT INTO sale SELECT g, 1 + (g * 7) % 2000, 1 + g % 20000 FROM generate_series(1, 20000) g;
      ANALYZE;`),
  );
});

afterAll(async () => {
  await dropTestDatabase(db);
});

describe("a partial copy's sessions", () => {
  it("hash every set of the closure, where the planner would otherwise scan a set once per row", async () => {
    await withClient(db, async (c) => {
      await c.query("SET work_mem = '64kB'");
      const plan = async () => (await c.query<{ "QUERY PLAN": string }>(`EXPLAIN ${SALES}`)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      const subplans = (text: string) => text.match(/(hashed )?SubPlan \d+\)/g) ?? [];
      const before = subplans(await plan());
      expect(before.some((s) => !s.startsWith("hashed"))).toBe(true);
      const counted = (await c.query<{ count: string }>(SALES)).rows[0]!.count;

      await allowHashedSets(c, 20000);
      const after = subplans(await plan());
      expect(after.length).toBeGreaterThan(0);
      expect(after.every((s) => s.startsWith("hashed"))).toBe(true);
      // The same rows, only found faster.
      expect((await c.query<{ count: string }>(SALES)).rows[0]!.count).toBe(counted);
    });
  });

  it("never lower what the server already allows", async () => {
    await withClient(db, async (c) => {
      await c.query("SET hash_mem_multiplier = 500");
      await allowHashedSets(c, 10);
      expect((await c.query<{ m: string }>("SELECT current_setting('hash_mem_multiplier') AS m")).rows[0]!.m).toBe("500");
    });
  });

  it("allow a session 1 GB of hash at most, however many rows a table is reckoned to hold: it is production's memory", async () => {
    await withClient(db, async (c) => {
      await c.query("SET work_mem = '4MB'");
      await allowHashedSets(c, 5_000_000_000);
      const { rows } = await c.query<{ bytes: string }>("SELECT (pg_size_bytes(current_setting('work_mem')) * current_setting('hash_mem_multiplier')::float8)::bigint::text AS bytes");
      expect(Number(rows[0]!.bytes)).toBe(MAX_HASH_MEM_BYTES);
    });
  });
});
