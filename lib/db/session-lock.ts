/**
 * Set-up work on the portal database that processes starting at once (a deploy's web
 * servers and workers, all against one database) must take turns at: applying migrations
 * (lib/db/migrate.ts), creating the job queue's tables (lib/jobs/queue.ts), seeding the demo
 * data (scripts/seed.ts).
 */
import { endOrCut, openClient } from "./client";

/**
 * Runs `work` while holding the PostgreSQL session advisory lock `key` on a connection of
 * its own, whose lifetime is ours to see (a pool's connection could take the lock to another
 * caller). The lock dies with the connection, so a process that crashes holding it never
 * leaves it held.
 */
export async function withSessionLock<T>(databaseUrl: string, key: bigint, work: () => Promise<T>): Promise<T> {
  const client = await openClient({ connectionString: databaseUrl });
  try {
    await client.query("SELECT pg_advisory_lock($1)", [key.toString()]);
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [key.toString()]);
    }
  } finally {
    await endOrCut(client);
  }
}
