/**
 * A scale-out deploy starts its web servers and workers at the same moment, all against one
 * portal database: fresh, or left by an older version. Every process must come up, and the
 * database's migrations and job queue must be set up once, whoever got there first.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, readdir, rm } from "node:fs/promises";
import path from "node:path";
import PgBoss from "pg-boss";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { applyMigrations } from "../db/migrate";
import { oneOffQuery } from "../db/one-off-query";
import { closeToPublic } from "../db/sandbox-role";
import { databaseNameOf } from "../db/urls";
import { createTestDatabase, testSandboxServerUrl, testServerAdminUrl } from "../testing/pg";
import { makeTempDir } from "../testing/temp-dir";
import { spawnWorker } from "../testing/worker-process";
import { MAIL_RETRY_QUEUE, RUN_QUEUE, startBoss } from "../jobs/queue";

const MIGRATIONS_DIR = path.resolve("prisma/migrations");
const secrets = { NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), DATABASE_SECRETS_KEY: randomBytes(32).toString("base64") };
const running: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map(stop));
});
afterAll(() => {
  delete process.env.DATABASE_URL;
});

async function portalDatabase(): Promise<string> {
  const url = await createTestDatabase("portal");
  // As the launcher does: a sandbox role that could reach it is refused at start.
  await closeToPublic(testServerAdminUrl(), databaseNameOf(url));
  return url;
}

/** Starts `count` worker processes at once; resolves with each one's log once every one has started, or throws with the logs of those that died. */
async function startWorkersAtOnce(databaseUrl: string, count: number): Promise<string[]> {
  const env = { ...process.env, ...secrets, DATABASE_URL: databaseUrl, SANDBOX_SERVER_URL: testSandboxServerUrl(), LOG_LEVEL: "info" };
  const logs = Array.from({ length: count }, () => "");
  const started = Array.from({ length: count }, (_, i) => {
    const worker = spawnWorker({ env, stdio: ["ignore", "pipe", "pipe"] });
    running.push(worker);
    return new Promise<void>((resolve, reject) => {
      const hear = (chunk: Buffer) => {
        logs[i] += chunk.toString();
        if (logs[i]!.includes("worker started")) resolve();
      };
      worker.stdout!.on("data", hear);
      worker.stderr!.on("data", hear);
      worker.on("exit", (code) => reject(new Error(`worker ${i} exited ${code} before it started:\n${logs[i]}`)));
    });
  });
  await Promise.all(started);
  return logs;
}

async function stop(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  worker.kill("SIGTERM");
  await exited;
}

async function migrationNames(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** What the database recorded: each migration with how often it was applied and whether it finished. */
async function appliedMigrations(url: string) {
  return oneOffQuery<{ name: string; times: number; finished: boolean }>(
    url,
    `SELECT migration_name AS name, count(*)::int AS times, bool_and(finished_at IS NOT NULL AND rolled_back_at IS NULL) AS finished
       FROM _prisma_migrations GROUP BY migration_name ORDER BY migration_name`,
  );
}

describe("processes started at once against one portal database", () => {
  it("set the job queue up one after another: creating one queue at once deadlocked pg-boss, and the start failed", async () => {
    process.env.DATABASE_URL = await portalDatabase();
    const bosses = await Promise.allSettled([startBoss(), startBoss(), startBoss(), startBoss()]);
    try {
      expect(bosses.map((b) => (b.status === "rejected" ? String(b.reason) : b.status))).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    } finally {
      await Promise.all(bosses.map((b) => (b.status === "fulfilled" ? b.value.stop({ graceful: false, wait: true }) : undefined)));
    }
  });

  it("all come up on a fresh database, which each migration reaches once", async () => {
    const url = await portalDatabase();
    await startWorkersAtOnce(url, 3);
    const expected = await migrationNames(MIGRATIONS_DIR);
    expect(await appliedMigrations(url)).toEqual(expected.map((name) => ({ name, times: 1, finished: true })));
    expect(await oneOffQuery(url, "SELECT count(*)::int AS versions FROM pgboss.version")).toEqual([{ versions: 1 }]);
  }, 180_000);

  it("all come up on an older version's database: its pending migrations are applied once, and the queue it did not have is made", async () => {
    const url = await portalDatabase();
    // The older version: every migration but the newest three, and its queue without the newest one.
    const older = await makeTempDir("older-migrations-");
    await cp(MIGRATIONS_DIR, older, { recursive: true });
    const expected = await migrationNames(MIGRATIONS_DIR);
    for (const name of expected.slice(-3)) await rm(path.join(older, name), { recursive: true });
    await applyMigrations(url, older);
    const boss = new PgBoss({ connectionString: url, schema: "pgboss" });
    await boss.start();
    await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE });
    await boss.stop({ graceful: false, wait: true });

    await startWorkersAtOnce(url, 3);
    expect(await appliedMigrations(url)).toEqual(expected.map((name) => ({ name, times: 1, finished: true })));
    expect(await oneOffQuery(url, "SELECT name FROM pgboss.queue WHERE name = $1", [MAIL_RETRY_QUEUE])).toEqual([{ name: MAIL_RETRY_QUEUE }]);
  }, 180_000);
});
