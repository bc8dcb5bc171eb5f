import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase } from "../testing/pg";
import { makeTempDir } from "../testing/temp-dir";
import { applyMigrations } from "./migrate";
import { diffSchemas } from "./schema-sql";
import { oneOffQuery } from "./one-off-query";
import { withClient } from "../testing/sanitizer-fixtures";

const MIGRATIONS_DIR = path.resolve("prisma/migrations");
const databases: string[] = [];

afterAll(async () => {
  await Promise.all(databases.map((url) => dropTestDatabase(url)));
});

async function freshDatabase(): Promise<string> {
  const url = await createTestDatabase("migrate");
  databases.push(url);
  return url;
}


async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** A migrations folder of our own, in a temporary directory. */
async function migrationsFolder(migrations: Record<string, string>): Promise<string> {
  const dir = await makeTempDir("migrations-");
  await writeFile(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

describe("applyMigrations", () => {
  it("applies the project's migrations to an empty database, then nothing", async () => {
    const url = await freshDatabase();
    const expected = await migrationNames(MIGRATIONS_DIR);
    expect(expected.length).toBeGreaterThan(0);

    expect(await applyMigrations(url, MIGRATIONS_DIR)).toEqual(expected);

    const tables = (
      await oneOffQuery<{ table_name: string }>(
        url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      )
    ).map((row) => row.table_name);
    expect(tables).toEqual(
      expect.arrayContaining(["_prisma_migrations", "Tenant", "User", "Sandbox", "SandboxRun", "AuditEvent"]),
    );
    const history = await oneOffQuery<{ migration_name: string; finished: boolean }>(
      url,
      "SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(history).toEqual(expected.map((migration_name) => ({ migration_name, finished: true })));

    expect(await applyMigrations(url, MIGRATIONS_DIR)).toEqual([]);
  });

  it("gives the workers' prunes an index: expired idempotency keys, old webhook deliveries and audit events past retention are found without reading every row", async () => {
    const url = await freshDatabase();
    await applyMigrations(url, MIGRATIONS_DIR);
    // The statements of pruneIdempotencyKeys and pruneDeliveryLog, planned as on a table too large to scan.
    const plan = async (sql: string) => {
      const rows = await withClient(url, async (c) => {
        await c.query("SET enable_seqscan = off");
        return (await c.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`)).rows;
      });
      return JSON.stringify(rows[0]?.["QUERY PLAN"]);
    };
    expect(await plan(`DELETE FROM "ApiIdempotencyKey" WHERE "createdAt" < now() - interval '1 day'`)).toContain('"Index Name":"ApiIdempotencyKey_createdAt_idx"');
    expect(await plan(`DELETE FROM "WebhookDelivery" WHERE "createdAt" < now() - interval '30 days' AND status IN ('DELIVERED', 'FAILED')`)).toContain(
      '"Index Name":"WebhookDelivery_status_createdAt_idx"',
    );
    // pruneAuditLog's batch: the oldest events first, from the index, not from a sort of the whole log.
    expect(await plan(`DELETE FROM "AuditEvent" WHERE id IN (SELECT id FROM "AuditEvent" WHERE "createdAt" < now() - interval '90 days' ORDER BY "createdAt", id LIMIT 5000)`)).toContain(
      '"Index Name":"AuditEvent_createdAt_id_idx"',
    );
  });

  it("marks as not created exactly the sandboxes whose creation was cancelled (the NOT_CREATED backfill)", async () => {
    const url = await freshDatabase();
    await applyMigrations(url, MIGRATIONS_DIR);
    await oneOffQuery(url, `INSERT INTO "Tenant" (id, "customerId", "companyName", "productionUrlEncrypted") VALUES ('t', 'Cust1', 'T', '-')`);
    await oneOffQuery(url, `INSERT INTO "User" (id, email, name, "passwordHash", role) VALUES ('u', 'u@example.com', 'U', '-', 'OPERATOR')`);
    // Each sandbox: its status, then its runs, oldest first, as kind:status:failureCode.
    const cases: Record<string, [string, string[]]> = {
      stoppedCreation: ["FAILED", ["PROVISION:FAILED:CANCELLED"]],
      failedCreation: ["FAILED", ["PROVISION:FAILED:COPY_FAILED"]],
      failedThenCancelledDeletion: ["FAILED", ["PROVISION:FAILED:COPY_FAILED", "DELETE:FAILED:CANCELLED"]],
      cancelledRetry: ["FAILED", ["PROVISION:FAILED:COPY_FAILED", "PROVISION:FAILED:CANCELLED"]],
      readyAfterCancelledRefresh: ["READY", ["PROVISION:SUCCEEDED:", "REFRESH:FAILED:CANCELLED"]],
    };
    for (const [id, [status, runs]] of Object.entries(cases)) {
      await oneOffQuery(url, `INSERT INTO "Sandbox" (id, "tenantId", name, "planCounts", "orderedById", status) VALUES ($1, 't', $1, '{}', 'u', $2::"SandboxStatus")`, [id, status]);
      for (const [i, run] of runs.entries()) {
        const [kind, runStatus, code] = run.split(":");
        await oneOffQuery(
          url,
          `INSERT INTO "SandboxRun" (id, "sandboxId", kind, status, "failureCode", options, "createdAt") VALUES ($1, $2, $3::"RunKind", $4::"RunStatus", NULLIF($5, ''), '{}', now() - make_interval(mins => $6))`,
          [`${id}-${i}`, id, kind, runStatus, code, runs.length - i],
        );
      }
    }
    const backfill = await readFile(path.join(MIGRATIONS_DIR, "20261204171500_sandbox_not_created_backfill", "migration.sql"), "utf8");
    await oneOffQuery(url, backfill);
    const after = await oneOffQuery<{ id: string; status: string }>(url, `SELECT id, status::text FROM "Sandbox" ORDER BY id`);
    expect(Object.fromEntries(after.map((s) => [s.id, s.status]))).toEqual({
      stoppedCreation: "NOT_CREATED",
      failedCreation: "FAILED",
      failedThenCancelledDeletion: "FAILED",
      cancelledRetry: "NOT_CREATED",
      readyAfterCancelledRefresh: "READY",
    });
  });

  it("lets concurrent callers take turns: each migration is applied once", async () => {
    const url = await freshDatabase();
    const expected = await migrationNames(MIGRATIONS_DIR);

    const results = await Promise.all([applyMigrations(url, MIGRATIONS_DIR), applyMigrations(url, MIGRATIONS_DIR)]);

    expect(results.flat().sort()).toEqual(expected);
    const rows = await oneOffQuery<{ count: string }>(url, "SELECT count(*) FROM _prisma_migrations");
    expect(rows).toEqual([{ count: String(expected.length) }]);
  });

  it("migrates several databases at once in one process", async () => {
    const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
    const expected = await migrationNames(MIGRATIONS_DIR);

    const results = await Promise.all([applyMigrations(a, MIGRATIONS_DIR), applyMigrations(b, MIGRATIONS_DIR)]);

    expect(results).toEqual([expected, expected]);
  });

  it("runs each script whole: semicolons in strings and function bodies survive", async () => {
    const url = await freshDatabase();
    const dir = await migrationsFolder({
      "20200101000000_functions": [
        "CREATE TABLE note (body TEXT);",
        "INSERT INTO note VALUES ('a;b');",
        "CREATE FUNCTION one() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; RETURN 1; END $$;",
      ].join("\n"),
    });

    expect(await applyMigrations(url, dir)).toEqual(["20200101000000_functions"]);
    expect(await oneOffQuery(url, "SELECT body, one() AS one FROM note")).toEqual([{ body: "a;b", one: 1 }]);
  });

  it("leaves nothing of a failed migration behind and refuses to go on", async () => {
    const url = await freshDatabase();
    const dir = await migrationsFolder({
      "20200101000000_broken": "CREATE TABLE half (id int);\nINSERT INTO missing VALUES (1);\n",
    });

    await expect(applyMigrations(url, dir)).rejects.toThrow(/missing/);
    const tables = await oneOffQuery(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'half'");
    expect(tables).toEqual([]);
    // Like `prisma migrate deploy`: a failed migration must be resolved first (P3009).
    await expect(applyMigrations(url, dir)).rejects.toThrow(/P3009/);
  });
});

describe("diffSchemas", () => {
  const schema = (models: string) =>
    `datasource db {\n  provider = "postgresql"\n}\n\n${models}`;

  it("creates from empty, and is empty between equal schemas", async () => {
    const one = schema("model Thing {\n  id Int @id\n}\n");
    expect(await diffSchemas(null, one)).toMatch(/CREATE TABLE "Thing"/);
    expect(await diffSchemas(one, one)).toBe("");
    const two = schema("model Thing {\n  id   Int     @id\n  note String?\n}\n");
    expect(await diffSchemas(one, two)).toMatch(/ALTER TABLE "Thing" ADD COLUMN\s+"note" TEXT/);
  });

  it("rejects an invalid schema with Prisma's validation error", async () => {
    await expect(diffSchemas(null, "model {")).rejects.toThrow(/P1012/);
  });

  it("finds a migration for every change to prisma/schema.prisma", async () => {
    // Fails when the schema was edited without `npm run db:migration -- <name>`.
    const migrated = await readFile(path.join(MIGRATIONS_DIR, "schema.prisma.snapshot"), "utf8");
    const current = await readFile("prisma/schema.prisma", "utf8");
    expect(await diffSchemas(migrated, current)).toBe("");
  });
});
