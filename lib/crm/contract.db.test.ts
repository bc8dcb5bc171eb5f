/**
 * The Prisma schema (through its DDL, prisma/crm/contract.sql) and lib/crm/contract.ts
 * must describe the same database: any drift between them fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { readCatalog, type Catalog } from "./catalog";
import { checkContract, isContractExact } from "./contract-check";
import { applyContractSql } from "./contract-sql";
import { CRM_TABLES } from "./contract";

let url: string;
let client: pg.Client;
let catalog: Catalog;

beforeAll(async () => {
  url = await createTestDatabase("contract");
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await applyContractSql(client);
  catalog = await readCatalog(client);
});

afterAll(async () => {
  await client.end();
  await dropTestDatabase(url);
});

describe("prisma/crm/contract.sql matches lib/crm/contract.ts", () => {
  it("has exactly the contract's tables", () => {
    expect(catalog.tables).toEqual(CRM_TABLES.map((t) => t.name).sort());
  });

  it("has exactly the contract's columns, types and nullability", () => {
    const actual = catalog.columns
      .map((c) => ({
        table: c.table, name: c.name, type: c.type, nullable: c.nullable,
        numericPrecision: c.numericPrecision ?? undefined,
        numericScale: c.type === "numeric" ? (c.numericScale ?? undefined) : undefined,
        maxLength: c.maxLength ?? undefined,
      }))
      .map((c) => JSON.stringify(c))
      .sort();
    const expected = CRM_TABLES.flatMap((t) =>
      t.columns.map((c) => ({
        table: t.name, name: c.name, type: c.type, nullable: c.nullable,
        // information_schema reports integer precision (32) too; compare it for numeric only.
        numericPrecision: c.type === "integer" ? 32 : c.numericPrecision,
        numericScale: c.numericScale, maxLength: c.maxLength,
      })),
    )
      .map((c) => JSON.stringify(c))
      .sort();
    expect(actual).toEqual(expected);
  });

  it("has exactly the contract's foreign keys and delete rules", () => {
    const actual = catalog.foreignKeys.map((f) => `${f.table}.${f.column} -> ${f.references} ON DELETE ${f.onDelete}`).sort();
    const expected = CRM_TABLES.flatMap((t) =>
      t.foreignKeys.map((f) => `${t.name}.${f.column} -> ${f.references} ON DELETE ${f.onDelete}`),
    ).sort();
    expect(actual).toEqual(expected);
  });

  it("has `id` as every primary key and exactly the contract's unique constraints", () => {
    const primary = catalog.uniques.filter((u) => u.primaryKey);
    expect(primary.map((u) => `${u.table}(${u.columns.join(",")})`).sort()).toEqual(
      CRM_TABLES.map((t) => `${t.name}(id)`).sort(),
    );
    const unique = catalog.uniques.filter((u) => !u.primaryKey).map((u) => `${u.table}(${u.columns.join(",")})`);
    expect(unique.sort()).toEqual(CRM_TABLES.flatMap((t) => t.unique.map((u) => `${t.name}(${u.join(",")})`)).sort());
  });

  it("generates ids from a sequence", async () => {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'id' AND column_default LIKE 'nextval(%'`,
    );
    expect(Number(rows[0]?.n)).toBe(CRM_TABLES.length);
  });
});

describe("checkContract", () => {
  it("finds nothing on an exact database", async () => {
    expect(isContractExact(await checkContract(client))).toBe(true);
  });

  it("reports extra, missing and wrong columns and tables", async () => {
    await client.query("BEGIN");
    try {
      await client.query("ALTER TABLE contact ADD COLUMN shoe_size integer");
      await client.query("ALTER TABLE company DROP COLUMN website");
      await client.query("ALTER TABLE sale ALTER COLUMN title DROP NOT NULL");
      await client.query("ALTER TABLE ticket ALTER COLUMN category TYPE varchar(50)");
      await client.query("CREATE TABLE custom_loyalty (id integer PRIMARY KEY)");
      // A table with no column at all is a table all the same.
      await client.query("CREATE TABLE custom_marker ()");
      await client.query("DROP TABLE erp_connection");
      const result = await checkContract(client);
      expect(result.extraColumns).toEqual([{ table: "contact", column: "shoe_size" }]);
      expect(result.missingColumns).toEqual([{ table: "company", column: "website" }]);
      expect(result.wrongColumns).toEqual([
        { table: "sale", column: "title", expected: { type: "text", nullable: false }, actual: { type: "text", nullable: true } },
        { table: "ticket", column: "category", expected: { type: "text", nullable: true }, actual: { type: "character varying", nullable: true } },
      ]);
      expect(result.extraTables).toEqual(["custom_loyalty", "custom_marker"]);
      expect(result.missingTables).toEqual(["erp_connection"]);
    } finally {
      await client.query("ROLLBACK");
    }
  });
});
