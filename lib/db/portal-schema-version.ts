/**
 * Whether the portal database was migrated past what this process's code knows, asked
 * through the portal's Prisma client: by a running worker between sweeps and by a web
 * server's readiness check. Apart from schema-version.ts, which bootstrap loads before
 * any Prisma client exists and which must not import one.
 */
import { db } from "./portal";
import { newerMigration } from "./schema-version";

/** The newest migration the portal database has that is newer than `known`, or null. */
export function portalNewerMigration(known: string): Promise<string | null> {
  return newerMigration((sql, params) => db.$queryRawUnsafe<{ name: string }[]>(sql, ...params), known);
}
