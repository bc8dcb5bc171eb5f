import { afterAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { oneOffQuery } from "./one-off-query";

usePortalDatabase();

const { bootstrap } = await import("../startup/bootstrap");
const { startWorker } = await import("../worker/worker");
const { enqueueRun, RUN_QUEUE, stopBoss } = await import("../jobs/queue");
const { readiness } = await import("../observability/readiness");
const { SCHEMA_VERSION_ENV } = await import("./schema-version");

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
