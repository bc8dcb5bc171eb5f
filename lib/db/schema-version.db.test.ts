import { cp, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { createTestDatabase, testServerAdminUrl } from "../testing/pg";
import { makeTempDir } from "../testing/temp-dir";
import { oneOffQuery } from "./one-off-query";
import { applyMigrations } from "./migrate";
import { closeToPublic } from "./sandbox-role";
import { databaseNameOf } from "./urls";

usePortalDatabase();

const { bootstrap } = await import("../startup/bootstrap");
const { startWorker } = await import("../worker/worker");
const { enqueueRun, RUN_QUEUE, stopBoss } = await import("../jobs/queue");
const { readiness } = await import("../observability/readiness");
const { FIRST_MIGRATION_NOTICED, SCHEMA_VERSION_ENV } = await import("./schema-version");

afterAll(() => stopBoss());

/** What a newer version's first process leaves: a migration this code does not have, applied. */
const FUTURE = "99991231000000_a_newer_version";

describe("a database migrated by a newer version of the portal", () => {
  it("is run against by no older process: its start is refused, its worker stops taking runs, its web server is not ready", async () => {
    // This code's own start records its version and finds nothing newer.
    await bootstrap();
    const known = process.env[SCHEMA_VERSION_ENV]!;
    expect(known).toMatch(/^\d{14}_/);
    expect((await readiness()).checks.schema).toBe("ok");

    await oneOffQuery(
      process.env.DATABASE_URL!,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ('future', 'x', $1, now(), now(), 1)`,
      [FUTURE],
    );
    const words = `The portal database was migrated by a newer version of the portal (${FUTURE}; this one knows up to ${known}): this version must not run against it. Deploy the new version.`;
    await expect(bootstrap()).rejects.toThrow(words);
    expect(await readiness()).toMatchObject({ ready: false, checks: { database: "ok", schema: "unavailable" } });

    const said: string[] = [];
    const worker = await startWorker({ onOutdated: (why) => said.push(why) });
    try {
      // Its first sweep, at its start: told once, and it takes no run.
      expect(said).toEqual([words]);
      await enqueueRun("run-for-the-new-version");
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // past pg-boss's polling second, twice
      const jobs = await oneOffQuery<{ state: string }>(process.env.DATABASE_URL!, `SELECT state::text FROM pgboss.job WHERE name = $1 AND data->>'runId' = $2`, [RUN_QUEUE, "run-for-the-new-version"]);
      expect(jobs).toEqual([{ state: "created" }]);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});

describe("a database last run by a version that cannot notice a newer one", () => {
  it("is not migrated while that version's workers beat: every newer worker did their runs' follow-ups again", async () => {
    const url = await createTestDatabase("blind");
    await closeToPublic(testServerAdminUrl(), databaseNameOf(url));
    const older = await makeTempDir("blind-migrations-");
    await cp(path.resolve("prisma/migrations"), older, { recursive: true });
    for (const name of await readdir(older)) if (/^\d{14}_/.test(name) && name >= FIRST_MIGRATION_NOTICED) await rm(path.join(older, name), { recursive: true });
    await applyMigrations(url, older);
    const newest = async () => (await oneOffQuery<{ name: string }>(url, `SELECT max(migration_name) AS name FROM _prisma_migrations`))[0]!.name;
    const before = await newest();
    const beat = (secondsAgo: number) =>
      oneOffQuery(url, `INSERT INTO "WorkerHeartbeat" (id, hostname, pid, concurrency, "beatAt") VALUES ('old', 'old-host', 4242, 1, (now() AT TIME ZONE 'UTC') - make_interval(secs => $1))
        ON CONFLICT (id) DO UPDATE SET "beatAt" = EXCLUDED."beatAt"`, [secondsAgo]);
    const portalUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    try {
      await beat(5);
      await expect(bootstrap()).rejects.toThrow(
        `Workers of an older version of the portal are running against this database (old-host pid 4242), a version that cannot notice a newer one migrating it (its newest migration is ${before}): stop every process of the older version, web servers and workers, then start this one. Nothing was migrated.`,
      );
      expect(await newest()).toBe(before);

      // Its workers stopped (no beat for over a minute): migrated.
      await beat(90);
      await bootstrap();
      expect(await newest()).toBe(process.env[SCHEMA_VERSION_ENV]);
      // From then on its versions notice a newer one themselves (above): a live worker holds nothing back.
      await beat(5);
      await bootstrap();
    } finally {
      process.env.DATABASE_URL = portalUrl;
    }
  }, 60_000);
});
