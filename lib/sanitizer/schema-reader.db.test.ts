/**
 * Production's catalog is read whole: a hostile one is measured first, on the server,
 * and refused in the customer's words; an ordinary one is read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { withClient } from "../testing/sanitizer-fixtures";
import { readSourceSchema } from "./schema-reader";

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
});
