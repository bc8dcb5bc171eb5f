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
