/**
 * Which version of the portal database's schema this code was made for: the newest
 * migration of its own migrations folder, read at start (bootstrap) and kept in the
 * environment, so the processes it starts (the web server, its worker) and every module
 * instance of theirs read the same. A database migrated since by a newer version (a rolling
 * deploy's first new process applies its migrations under old ones still running) may have
 * lost a column this code writes, or gained a state it does not know: an old worker would
 * fail runs, or ignore a customer's stop. So an old process refuses to start, an old worker
 * stops taking runs, and an old web server says it is not ready.
 */
/** What runs a statement on the portal database and answers its rows: a one-off statement at start (bootstrap), Prisma's raw query in a running process. */
type Reader = (sql: string, params: unknown[]) => Promise<{ name: string }[]>;

export const SCHEMA_VERSION_ENV = "PORTAL_SCHEMA_VERSION";

/** The newest of `migrationNames` (named by UTC timestamp first, so the last in order). */
export function newestMigration(migrationNames: readonly string[]): string | null {
  return [...migrationNames].sort().at(-1) ?? null;
}

/** The version this process's code was made for, or null when it was not told (a test, a tool). */
export function knownSchemaVersion(): string | null {
  return process.env[SCHEMA_VERSION_ENV]?.trim() || null;
}

/** The newest migration the database has that is newer than `known`, or null. */
export async function newerMigration(read: Reader, known: string): Promise<string | null> {
  const rows = await read(
    `SELECT migration_name AS name FROM _prisma_migrations
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL AND migration_name > $1
      ORDER BY migration_name DESC LIMIT 1`,
    [known],
  );
  return rows[0]?.name ?? null;
}

/** Why an outdated process stops, for its log and its refusal to start. */
export function outdatedWords(newer: string, known: string): string {
  return `The portal database was migrated by a newer version of the portal (${newer}; this one knows up to ${known}): this version must not run against it. Deploy the new version.`;
}

/**
 * The first migration made after processes learnt to notice a newer version's migrations (above).
 * A database whose newest migration is older was last run by a version that does not notice: its
 * workers would go on against the new schema for good, doing each run's follow-up without marking
 * it done (so every newer worker did it again, mailing its people twice) and claiming runs with
 * what they knew of states and columns since changed.
 */
export const FIRST_MIGRATION_NOTICED = "20261206014732_run_follow_up";

/** A worker whose heartbeat is younger than this is alive (lib/observability/workers.ts: WORKER_ALIVE_MS). */
const ALIVE_SECONDS = 60;

/**
 * Before migrating: refuses (throws, in words) to migrate a database last run by a version that
 * cannot notice it, while that version's workers still beat. Its web servers write nothing to
 * tell them by: the README asks operators to stop every old process first.
 */
export async function assertNoBlindWorkers(read: (sql: string) => Promise<Record<string, unknown>[]>): Promise<void> {
  const [tables] = await read(
    `SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS migrated, to_regclass('public."WorkerHeartbeat"') IS NOT NULL AS beats`,
  );
  if (!tables?.migrated || !tables.beats) return;
  const [newest] = await read(`SELECT max(migration_name) AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
  const name = newest?.name as string | null | undefined;
  if (!name || name >= FIRST_MIGRATION_NOTICED) return;
  // Beats are written in UTC (Prisma's timestamps without a time zone), whatever the session's zone.
  const alive = await read(
    `SELECT hostname, pid FROM "WorkerHeartbeat" WHERE "beatAt" > (now() AT TIME ZONE 'UTC') - interval '${ALIVE_SECONDS} seconds' ORDER BY "startedAt"`,
  );
  if (alive.length === 0) return;
  const which = alive.map((w) => `${String(w.hostname)} pid ${String(w.pid)}`).join(", ");
  throw new Error(
    `Workers of an older version of the portal are running against this database (${which}), a version that cannot notice a newer one migrating it (its newest migration is ${name}): stop every process of the older version, web servers and workers, then start this one. Nothing was migrated.`,
  );
}
