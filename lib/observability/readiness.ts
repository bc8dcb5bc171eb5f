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

/** How long one answer of the checks is given to every caller, in ms: a probe every few seconds still sees each change. */
export const READY_ANSWER_KEPT_MS = 1_000;

type Readiness = Awaited<ReturnType<typeof readiness>>;
let kept: { answer: Promise<Readiness>; until: number } | null = null;

/**
 * readiness() for `/api/ready`, which needs no sign-in: its checks run at most once per
 * READY_ANSWER_KEPT_MS in this process, and callers that come while they run wait for the
 * same run (bounded by the checks' own 3 s), so a flood of probes costs the portal database
 * a few queries a second, whoever sends them. Timed by this process's monotonic clock.
 */
export function keptReadiness(): Promise<Readiness> {
  const now = performance.now();
  if (kept && now < kept.until) return kept.answer;
  const answer = readiness();
  const entry = { answer, until: Number.POSITIVE_INFINITY };
  kept = entry;
  // Kept from the moment it came: while the checks run, every caller shares them.
  void answer.then(() => {
    entry.until = performance.now() + READY_ANSWER_KEPT_MS;
  });
  return answer;
}
