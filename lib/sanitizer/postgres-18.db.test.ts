/**
 * What only a production on PostgreSQL 18 can hold: NOT NULL constraints added NOT VALID,
 * virtual generated columns and temporal keys (WITHOUT OVERLAPS, PERIOD). The suite runs
 * on the embedded 15 unless EMBEDDED_PG_BIN_DIR names an 18 (README, Development): on an
 * older server these tests say they were skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestDatabase, testServerAdminUrl } from "../testing/pg";
import { parseClassification, type Classification } from "./classification";
import { databaseNames, generateProduction, provisionClassified, rows, sandboxUrl, scalar, withClient } from "../testing/sanitizer-fixtures";

const made: string[] = [];
let prod: string | undefined;
let major = 0;

const provision = (productionUrl: string, classification: Classification) => provisionClassified(productionUrl, classification, made, "90718");

const EXTRAS = `
  CREATE TABLE loyalty (id int PRIMARY KEY, note text, points int, doubled int GENERATED ALWAYS AS (points * 2) VIRTUAL);
  INSERT INTO loyalty VALUES (1, NULL, 10), (2, 'gold', 20);
  ALTER TABLE loyalty ADD CONSTRAINT loyalty_note_required NOT NULL note NOT VALID;
  CREATE TABLE booking (room int4range, during tstzrange, PRIMARY KEY (room, during WITHOUT OVERLAPS));
  CREATE TABLE booking_note (id int PRIMARY KEY, room int4range, during tstzrange,
    CONSTRAINT booking_note_booking FOREIGN KEY (room, PERIOD during) REFERENCES booking (room, PERIOD during));
  INSERT INTO booking VALUES ('[1,2)', '[2026-01-01,2026-02-01)');
  INSERT INTO booking_note VALUES (1, '[1,2)', '[2026-01-05,2026-01-06)');`;

const TABLES = { loyalty: "copy", booking: "copy", booking_note: "copy" } as const;
const GENERATED = { kind: "generated column" as const, table: "loyalty", name: "doubled", treatment: "leave-out" as const };
const TEMPORAL_KEYS = [
  { kind: "primary key" as const, table: "booking", name: "booking_pkey", treatment: "leave-out" as const },
  { kind: "foreign key" as const, table: "booking_note", name: "booking_note_booking", treatment: "leave-out" as const },
];

beforeAll(async () => {
  major = Number(await scalar(testServerAdminUrl(), "SELECT current_setting('server_version_num')::int / 10000"));
  if (major < 18) return;
  prod = await generateProduction(18);
  await withClient(prod, (c) => c.query(EXTRAS));
});

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  if (prod) await dropTestDatabase(prod);
});

describe("a production on PostgreSQL 18", () => {
  it("with temporal keys unclassified is refused before any database is created, naming them: a plain key on their columns is another constraint", async ({ skip }) => {
    if (major < 18) skip();
    const { name, promise } = provision(prod!, parseClassification({ tables: TABLES, objects: [GENERATED] }));
    const error = (await promise.catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe("DRIFT");
    expect(error.message).toContain('primary key "booking_pkey" on table "booking"');
    expect(error.message).toContain('foreign key "booking_note_booking" on table "booking_note"');
    expect(await databaseNames()).not.toContain(name);
  });

  it("copies a NOT NULL added NOT VALID as the rows stand, a virtual generated column left out as its values, and temporal keys left out", async ({ skip }) => {
    if (major < 18) skip();
    const { url, promise } = provision(prod!, parseClassification({ tables: TABLES, objects: [GENERATED, ...TEMPORAL_KEYS] }));
    await promise;
    expect(await rows(url, "SELECT id, note, points, doubled FROM loyalty ORDER BY id")).toEqual([
      { id: 1, note: null, points: 10, doubled: 20 },
      { id: 2, note: "gold", points: 20, doubled: 40 },
    ]);
    expect(await scalar(url, "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'loyalty'::regclass AND attname = 'doubled'")).toBe("");
    expect(await scalar(url, "SELECT count(*) FROM booking_note")).toBe("1");
    expect(await rows(url, "SELECT conname FROM pg_constraint WHERE conrelid IN ('booking'::regclass, 'booking_note'::regclass) AND contype IN ('p', 'f')")).toEqual([
      { conname: "booking_note_pkey" },
    ]);
  });
});
