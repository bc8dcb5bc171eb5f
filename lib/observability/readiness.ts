/**
 * Readiness: can this instance serve? The portal database answers and the job
 * queue's schema is there. Each check is bounded, and says only "ok" or
 * "unavailable": a load balancer needs no driver message, host or SQL.
 */
import { db } from "../db/portal";
import { knownSchemaVersion } from "../db/schema-version";
import { portalNewerMigration } from "../db/portal-schema-version";

export type CheckState = "ok" | "unavailable";

const within = <T>(ms: number, work: Promise<T>) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);

async function check(work: () => Promise<unknown>): Promise<CheckState> {
  try {
    await within(3_000, work());
    return "ok";
  } catch {
    return "unavailable";
  }
}

/**
 * `schema`: the database was not migrated by a newer version of the portal than this one
 * (schema-version.ts); an older instance left serving after a newer one migrated it says
 * it is not ready, so its load balancer sends it nothing more.
 */
export async function readiness(): Promise<{ ready: boolean; checks: { database: CheckState; queue: CheckState; schema: CheckState } }> {
  const known = knownSchemaVersion();
  const [database, queue, schema] = await Promise.all([
    check(() => db.$queryRaw`SELECT 1`),
    check(() => db.$queryRaw`SELECT version FROM pgboss.version LIMIT 1`),
    check(async () => {
      if (known && (await portalNewerMigration(known))) throw new Error("outdated");
    }),
  ]);
  return { ready: database === "ok" && queue === "ok" && schema === "ok", checks: { database, queue, schema } };
}
