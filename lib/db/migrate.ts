/**
 * `prisma migrate deploy` without the native schema engine: applies the migrations in
 * a migrations folder that the database has not had yet, through Prisma's wasm schema
 * engine. The engine keeps the usual `_prisma_migrations` table (names, checksums,
 * timings), so the real Prisma CLI can take over wherever it is available, and edited
 * or failed migrations are refused exactly as the CLI would refuse them.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { MigrationDirectory, MigrationList } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { NO_SCHEMA_FILTERS, openPgEngine } from "./wasm-schema-engine";
import { withSessionLock } from "./session-lock";
import { assertNoBlindWorkers } from "./schema-version";
import { oneOffQuery } from "./one-off-query";

export const MIGRATION_LOCKFILE = "migration_lock.toml";
export const MIGRATION_FILE = "migration.sql";

/**
 * Applies the pending migrations of `migrationsDir` (relative paths are relative to
 * the working directory) to `databaseUrl`. Returns the names of the migrations applied
 * by this call, oldest first: [] when the database was already up to date.
 * Safe to call from several processes at once: they take turns (see withMigrationLock).
 */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir = "prisma/migrations",
): Promise<string[]> {
  const migrationsList = await readMigrations(path.resolve(migrationsDir));
  return withMigrationLock(databaseUrl, async () => {
    // Whoever migrates (a process starting, npm run db:migrate): not under an older version's workers that would not notice.
    await assertNoBlindWorkers((sql) => oneOffQuery(databaseUrl, sql));
    const engine = await openPgEngine(databaseUrl);
    try {
      const { appliedMigrationNames } = await engine.run((e) =>
        e.applyMigrations({ migrationsList, filters: NO_SCHEMA_FILTERS }),
      );
      return appliedMigrationNames;
    } finally {
      await engine.close();
    }
  });
}

/**
 * The migrations folder as the engine wants it, read the way Prisma's CLI reads it:
 * every sub-folder is a migration whose script is `migration.sql`, ordered by name
 * (names start with a UTC timestamp). A missing folder means no migrations.
 */
export async function readMigrations(baseDir: string): Promise<MigrationList> {
  const lockfileContent = await readFile(path.join(baseDir, MIGRATION_LOCKFILE), "utf8").catch(
    () => null,
  );
  const entries = await readdir(baseDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name): Promise<MigrationDirectory> => {
      const content = await readFile(path.join(baseDir, name, MIGRATION_FILE), "utf8").then(
        (value) => ({ tag: "ok" as const, value }),
        // The engine reports an unreadable script itself, naming the migration.
        (error: unknown) => ({ tag: "error" as const, value: String(error) }),
      );
      return { path: name, migrationFile: { path: MIGRATION_FILE, content } };
    }),
  );
  return {
    baseDir,
    lockfile: { path: MIGRATION_LOCKFILE, content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/**
 * Our own advisory-lock key ("SbxPortl"). Deliberately not the engine's own key
 * (72707369): the engine locks that one itself from its own connection, and holding it
 * here would make the engine wait for us forever.
 */
const MIGRATION_LOCK_KEY = 0x536278506f72746cn;

/**
 * Runs `work` while holding our migration lock, so that concurrent deployers (two app
 * instances starting, a test run and a developer) apply migrations one after another; the
 * later ones then find nothing to apply. The engine's own lock already covers most of this,
 * but it sits on the adapter's pooled connection (session-lock.ts).
 */
async function withMigrationLock<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  return withSessionLock(databaseUrl, MIGRATION_LOCK_KEY, work);
}
