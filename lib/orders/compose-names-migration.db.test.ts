/**
 * The migration that composes (NFC) the live sandbox names ordered before names were
 * composed on the way in: a customer whose "Cafe" + U+0301 was ordered then could order
 * a second "Café" after, as the live-name index told the two apart byte by byte.
 */
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../db/migrate";
import { oneOffQuery } from "../db/one-off-query";
import { databaseBefore, type DatabaseBefore } from "../testing/migrations-before";

const COMPOSE_MIGRATION = /_compose_sandbox_names$/;
const DECOMPOSED_CAFE = "Cafe\u0301";
const CAFE = "Caf\u00e9";
let database: DatabaseBefore | undefined;

afterAll(() => database?.drop());

describe("composing the live sandbox names of earlier versions", () => {
  it("composes each live name, so the same name ordered again is refused, and renames none onto another", async () => {
    database = await databaseBefore(COMPOSE_MIGRATION, "compose_names");
    const { url } = database;

    const q = (sql: string, ...values: unknown[]) => oneOffQuery(url, sql, values);
    await q(`INSERT INTO "Tenant" (id, "customerId", "companyName", "productionUrlEncrypted") VALUES ('t1', 'Cust1', 'One AS', 'sealed-1'), ('t2', 'Cust2', 'Two AS', 'sealed-2')`);
    await q(`INSERT INTO "User" (id, email, name, "passwordHash", role) VALUES ('u', 'op@example.com', 'Op', '-', 'OPERATOR')`);
    await q(
      `INSERT INTO "Sandbox" (id, "tenantId", name, "planCounts", "orderedById", status, "deletedAt") VALUES
         ('s-old', 't1', $1, '{}', 'u', 'READY', NULL),
         ('s-gone', 't1', $1, '{}', 'u', 'DELETED', now()),
         ('s-twin-decomposed', 't2', $1, '{}', 'u', 'READY', NULL),
         ('s-twin-composed', 't2', $2, '{}', 'u', 'READY', NULL)`,
      DECOMPOSED_CAFE,
      CAFE,
    );

    await applyMigrations(url);

    const byId = Object.fromEntries((await q(`SELECT id, name FROM "Sandbox"`)).map((row) => [row.id, row.name]));
    expect(byId["s-old"]).toBe(CAFE);
    // A deleted sandbox's name binds nothing; two live ones that read the same keep their names.
    expect(byId["s-gone"]).toBe(DECOMPOSED_CAFE);
    expect(byId["s-twin-decomposed"]).toBe(DECOMPOSED_CAFE);
    expect(byId["s-twin-composed"]).toBe(CAFE);
    // "Café" ordered again (composed on the way in) is the name already taken.
    await expect(q(`INSERT INTO "Sandbox" (id, "tenantId", name, "planCounts", "orderedById", status) VALUES ('s-new', 't1', $1, '{}', 'u', 'QUEUED')`, CAFE)).rejects.toThrow(
      /Sandbox_live_name_per_tenant/,
    );
  }, 120_000);
});
