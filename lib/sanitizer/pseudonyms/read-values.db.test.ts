/**
 * Rule 18's reading of production's values over COPY text: a customer's values with
 * tabs, line breaks, backslashes and non-ASCII letters in them arrive as they are,
 * each distinct value once, and a production with more of them than a run holds, or
 * a value too long, is refused in the customer's words with the session still usable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase } from "../../testing/pg";
import { withClient } from "../../testing/sanitizer-fixtures";
import { EMPTY_CLASSIFICATION } from "../classification";
import { readSourceSchema } from "../schema-reader";
import { copyLimits } from "../../config/copy-limits";
import { readProductionValues, setLimits } from "./read-values";

let db: string;
const NAMES = ["Kari\tTab", "Ola\nLine", "Back\\slash", "Øyvind", "Kari\tTab"];

beforeAll(async () => {
  db = await createTestDatabase("readvalues");
  await withClient(db, async (c) => {
    await c.query(`
      CREATE TABLE contact (id int PRIMARY KEY, first_name text, last_name text, phone text, mobile text);
      CREATE TABLE company (id int PRIMARY KEY, name text, phone text, address text, org_number text);`);
    for (const [i, name] of NAMES.entries()) {
      await c.query("INSERT INTO contact VALUES ($1, $2, $3, $4, NULL)", [i + 1, name, `Last ${name}`, `+47 22 33 44 ${10 + (i % 4)}`]);
    }
    await c.query("INSERT INTO company VALUES (1, 'Hansen\\AS', '+47 22 33 44 10', 'Storgata 1', '912 345 678')");
  });
});
afterAll(async () => {
  await dropTestDatabase(db);
});

describe("readProductionValues", () => {
  it("reads every set's distinct values as production holds them, on one session or several", async () => {
    for (const sessions of [1, 2]) {
      const raw = await withClient(db, async (c) =>
        withClient(db, async (d) => readProductionValues([c, d].slice(0, sessions), (await readSourceSchema(c)).tables, EMPTY_CLASSIFICATION)),
      );
      expect([...raw.firstNames].sort()).toEqual([...new Set(NAMES)].sort());
      expect([...raw.fullNames]).toContain("Ola\nLine Last Ola\nLine");
      expect([...raw.phones].sort()).toEqual(["+47 22 33 44 10", "+47 22 33 44 11", "+47 22 33 44 12", "+47 22 33 44 13"]);
      expect([...raw.companies]).toEqual(["Hansen\\AS"]);
    }
  });

  it("refuses more distinct values than a run holds, and leaves the session ready for its next statement", async () => {
    await withClient(db, async (c) => {
      const tables = (await readSourceSchema(c)).tables;
      await expect(readProductionValues([c], tables, EMPTY_CLASSIFICATION, { values: 3 })).rejects.toMatchObject({
        code: "COPY_FAILED",
        message: "Production holds more than 3 different phone numbers: too many to pseudonymise in one run.",
      });
      expect((await c.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    });
  });

  it("holds as many values as operators set (PSEUDONYMISE_MAX_VALUES), a million by default", async () => {
    expect(setLimits(copyLimits({}))).toEqual({ values: 1_000_000, chars: 64_000_000, valueBytes: 64 * 1024 });
    expect(setLimits(copyLimits({ PSEUDONYMISE_MAX_VALUES: "2500000" })).values).toBe(2_500_000);
    expect(() => copyLimits({ PSEUDONYMISE_MAX_VALUES: "0" })).toThrow();
    const many = await createTestDatabase("readvaluesmany");
    const before = process.env.PSEUDONYMISE_MAX_VALUES;
    try {
      await withClient(many, async (c) => {
        await c.query("CREATE TABLE contact (id int PRIMARY KEY, first_name text, last_name text, phone text, mobile text)");
        await c.query("INSERT INTO contact SELECT n, 'Kari', 'Hansen', '+47 ' || (20000000 + n), NULL FROM generate_series(1, 1001) n");
        const tables = (await readSourceSchema(c)).tables;
        expect([...(await readProductionValues([c], tables, EMPTY_CLASSIFICATION)).phones]).toHaveLength(1001);
        process.env.PSEUDONYMISE_MAX_VALUES = "1000";
        await expect(readProductionValues([c], tables, EMPTY_CLASSIFICATION)).rejects.toMatchObject({
          message: "Production holds more than 1,000 different phone numbers: too many to pseudonymise in one run.",
        });
      });
    } finally {
      if (before === undefined) delete process.env.PSEUDONYMISE_MAX_VALUES;
      else process.env.PSEUDONYMISE_MAX_VALUES = before;
      await dropTestDatabase(many);
    }
  });

  it("refuses a value too long to read, which production never sends whole, and leaves the session ready", async () => {
    await withClient(db, async (c) => {
      const tables = (await readSourceSchema(c)).tables;
      // "Storgata 1" is 10 bytes, the longest address: 9 is one too few.
      await expect(readProductionValues([c], tables, EMPTY_CLASSIFICATION, { valueBytes: 9 })).rejects.toMatchObject({
        code: "COPY_FAILED",
        message: expect.stringMatching(/^One of production's (first names|last names|people's names|phone numbers|company names|addresses) is longer than 9 B: too long to pseudonymise\./),
      });
      expect((await c.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      const raw = await readProductionValues([c], tables, EMPTY_CLASSIFICATION, { valueBytes: 30 });
      expect([...raw.addresses]).toEqual(["Storgata 1"]);
    });
  });

  it("refuses a set whose values come to more characters than a run holds, however few they are", async () => {
    await withClient(db, async (c) => {
      const tables = (await readSourceSchema(c)).tables;
      // Four phone numbers of 15 characters: 60.
      await expect(readProductionValues([c], tables, EMPTY_CLASSIFICATION, { chars: 59 })).rejects.toMatchObject({
        code: "COPY_FAILED",
        message: expect.stringMatching(/^Production's \S.* come to more than 59 characters: too many to pseudonymise in one run\.$/),
      });
      expect((await c.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    });
  });
});
