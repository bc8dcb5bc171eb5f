import { db } from "../db/portal";
import { RUN_QUEUE } from "./queue";

/**
 * The queued run that has waited longest for a worker since its turn came: its job's start
 * is past and no worker has taken it. A run waiting on purpose (its retry's back-off, a slot
 * its tenant or server has not freed, room on its server) has a job that starts later, so it
 * is not counted: aged from the run's creation, every busy refresh day looked like workers down.
 * Ages by the database's clock.
 */
export async function oldestOverdueRun(): Promise<{ runId: string; overdueMs: number } | null> {
  const [row] = await db.$queryRaw<{ runId: string; overdueMs: number }[]>`
    SELECT j.data->>'runId' AS "runId", (extract(epoch FROM now() - j.start_after) * 1000)::float8 AS "overdueMs"
      FROM pgboss.job j
     WHERE j.name = ${RUN_QUEUE} AND j.state IN ('created', 'retry') AND j.start_after < now()
     ORDER BY j.start_after
     LIMIT 1`;
  return row ?? null;
}

