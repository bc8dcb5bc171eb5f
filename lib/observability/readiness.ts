/**
 * Readiness: can this instance serve? The portal database answers and the job
 * queue's schema is there. Each check is bounded, and says only "ok" or
 * "unavailable": a load balancer needs no driver message, host or SQL.
 */
import { db } from "../db/portal";

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

export async function readiness(): Promise<{ ready: boolean; checks: { database: CheckState; queue: CheckState } }> {
  const [database, queue] = await Promise.all([
    check(() => db.$queryRaw`SELECT 1`),
    check(() => db.$queryRaw`SELECT version FROM pgboss.version LIMIT 1`),
  ]);
  return { ready: database === "ok" && queue === "ok", checks: { database, queue } };
}
