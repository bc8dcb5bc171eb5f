/**
 * A portal database as an earlier version left it: every migration before the one a test
 * is about (named by `pattern`), applied to a new test database. The test then writes the
 * rows that version wrote, and applies the rest with `applyMigrations(url)`.
 */
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyMigrations } from "../db/migrate";
import { createTestDatabase, dropTestDatabase } from "./pg";

export interface DatabaseBefore {
  url: string;
  /** The migration the test is about, and every one after it: what `applyMigrations(url)` then applies. */
  pending: string[];
  drop(): Promise<void>;
}

export async function databaseBefore(pattern: RegExp, name: string): Promise<DatabaseBefore> {
  const migrations = (await readdir("prisma/migrations")).filter((n) => !n.includes(".")).sort();
  const about = migrations.filter((n) => pattern.test(n));
  if (about.length !== 1) throw new Error(`expected one migration matching ${pattern}, found ${about.length}`);
  const before = await mkdtemp(path.join(tmpdir(), `migrations-before-${name}-`));
  try {
    await cp("prisma/migrations", before, { recursive: true });
    const pending = migrations.filter((n) => n >= about[0]!);
    for (const later of pending) await rm(path.join(before, later), { recursive: true });
    const url = await createTestDatabase(name);
    await applyMigrations(url, before);
    return { url, pending, drop: () => dropTestDatabase(url) };
  } finally {
    await rm(before, { recursive: true, force: true });
  }
}
