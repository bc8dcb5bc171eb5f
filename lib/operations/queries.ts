/**
 * The operator overview: what the queue and the workers are doing, how long
 * copies take, what failed, and how each sandbox server is used. Everything is
 * read from the portal database (sizes as recorded after each copy), so the
 * page stays fast with thousands of sandboxes; only "reachable" asks each sandbox
 * server, all at once and for at most SERVER_PROBE_MS, and at most once per
 * SERVER_PROBE_REUSE_MS however many operators keep the page open.
 */
import "server-only";
import { db } from "../db/portal";
import { databaseNow } from "../db/database-clock";
import { serverNameOf } from "../db/urls";
import { listWorkersAlive } from "../observability/workers";
import { copyLimits } from "../config/copy-limits";
import { serverAnswers } from "../sandbox-servers/reachability";
import { tlsRefusal } from "../db/tls-policy";
import { serverUrl } from "../sandbox-servers/registry";
import { listServerUse, type ServerUse } from "../sandbox-servers/use";
import { recentReadings } from "../cache/recent-readings";
import { CANCELLED } from "../jobs/failure";
import { oldestOverdueRun } from "../jobs/overdue";

const DAY_MS = 24 * 3600_000;

async function copyDurations(since: Date): Promise<{ p50: number | null; p95: number | null; count: number }> {
  const [row] = await db.$queryRaw<{ p50: number | null; p95: number | null; count: bigint }[]>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM "finishedAt" - "startedAt")) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM "finishedAt" - "startedAt")) AS p95,
           count(*) AS count
      FROM "SandboxRun"
     WHERE status = 'SUCCEEDED' AND kind IN ('PROVISION', 'REFRESH') AND "startedAt" IS NOT NULL AND "finishedAt" >= ${since}`;
  return { p50: row?.p50 ?? null, p95: row?.p95 ?? null, count: Number(row?.count ?? 0) };
}

/** How long the page waits for a sandbox server to answer: an unreachable one costs at most this, all probed at once. */
export const SERVER_PROBE_MS = 1_500;
/** A server's answer is shown for this long: each view would otherwise open a connection on every server. */
export const SERVER_PROBE_REUSE_MS = 10_000;
const probes = recentReadings<boolean>({ ttlMs: SERVER_PROBE_REUSE_MS, maxKeys: 1_000 });

export interface ServerOverview extends Omit<ServerUse, "urlEncrypted"> {
  /** host:port: never the URL's credentials. */
  address: string;
  reachable: boolean;
  /** Set when the portal does not ask it at all: REQUIRE_DATABASE_TLS refuses its URL (tls-policy.ts). */
  refusedTls: boolean;
  /** Its cap on copies at once, SANDBOX_SERVER_MAX_RUNS when it has none of its own. */
  runCap: number;
}

/** Per registered sandbox server: its state, capacity and use, and whether it answers now. */
async function serverOverview(): Promise<ServerOverview[]> {
  const servers = await listServerUse();
  const defaultRunCap = copyLimits().runsPerSandboxServer;
  return Promise.all(
    servers.map(async ({ urlEncrypted, ...use }) => {
      const url = serverUrl({ urlEncrypted });
      const refusedTls = tlsRefusal(url) !== null;
      const reachable = !refusedTls && (await probes.read(use.id, () => serverAnswers(url, SERVER_PROBE_MS)));
      return { ...use, address: serverNameOf(url), reachable, refusedTls, runCap: use.maxConcurrentRuns ?? defaultRunCap };
    }),
  );
}

/** Runs queued, running, and failed since `since`, in one statement. A run its customer cancelled is not a failure. */
async function runCounts(since: Date): Promise<{ queued: number; running: number; failed24h: number }> {
  const [row] = await db.$queryRaw<{ queued: number; running: number; failed: number }[]>`
    SELECT count(*) FILTER (WHERE status = 'QUEUED')::int AS queued,
           count(*) FILTER (WHERE status = 'RUNNING')::int AS running,
           count(*) FILTER (WHERE status = 'FAILED')::int AS failed
      FROM "SandboxRun"
     WHERE status IN ('QUEUED', 'RUNNING') OR (status = 'FAILED' AND "finishedAt" >= ${since} AND "failureCode" IS DISTINCT FROM ${CANCELLED})`;
  return { queued: row?.queued ?? 0, running: row?.running ?? 0, failed24h: row?.failed ?? 0 };
}

export async function getOperationsOverview(at?: Date) {
  // The database's clock, which the workers' beats and the runs' times were written by.
  const now = at ?? (await databaseNow());
  const since = new Date(now.getTime() - DAY_MS);
  const [{ queued, running, failed24h }, oldestOverdue, durations, workers, servers, recentFailures, recentAlerts] = await Promise.all([
    runCounts(since),
    overdueRun(),
    copyDurations(new Date(now.getTime() - 7 * DAY_MS)),
    listWorkersAlive(now),
    serverOverview(),
    listFailedRuns(since),
    listRecentAlerts(new Date(now.getTime() - ALERTS_SHOWN_DAYS * DAY_MS)),
  ]);
  return { now, queued, running, failed24h, oldestOverdue, durations, workers, servers, recentFailures, recentAlerts };
}

export type OperationsOverview = Awaited<ReturnType<typeof getOperationsOverview>>;

/**
 * The run that has waited longest for a worker since its turn came, as the metric and the
 * queue alert read it (overdue.ts). Aged from its creation, the oldest queued run was most
 * often one waiting on purpose (a retry's back-off, a slot of its tenant or server, room):
 * the page said "waiting for 3 h" while the workers were keeping up.
 */
async function overdueRun() {
  // The queue's own table: none until a process has started the queue once.
  const oldest = await oldestOverdueRun().catch(() => null);
  if (!oldest) return null;
  const run = await db.sandboxRun.findUnique({
    where: { id: oldest.runId },
    select: { id: true, kind: true, sandbox: { select: { name: true, tenant: { select: { companyName: true } } } } },
  });
  return run ? { ...run, overdueMs: oldest.overdueMs } : null;
}

function listFailedRuns(since: Date) {
  return db.sandboxRun.findMany({
    // Prisma's `not` alone would also leave out the runs with no code, as SQL's <> does.
    where: { status: "FAILED", finishedAt: { gte: since }, OR: [{ failureCode: null }, { failureCode: { not: CANCELLED } }] },
    orderBy: { finishedAt: "desc" },
    take: 50,
    select: {
      id: true, kind: true, finishedAt: true, error: true,
      sandbox: {
        select: {
          id: true, name: true, tenant: { select: { companyName: true, customerId: true } },
          // Its newest success: a failure its sandbox has got over since needs no one's look.
          runs: { where: { status: "SUCCEEDED" }, orderBy: { finishedAt: "desc" }, take: 1, select: { finishedAt: true } },
        },
      },
    },
  });
}

/** When the failed run's sandbox has succeeded since (a retry, a later refresh), or null. */
export function succeededSince(failure: { finishedAt: Date | null; sandbox: { runs: { finishedAt: Date | null }[] } }): Date | null {
  const success = failure.sandbox.runs[0]?.finishedAt ?? null;
  return success && failure.finishedAt && success > failure.finishedAt ? success : null;
}

/** How far back the page lists alerts: those raised again since are still going on. */
export const ALERTS_SHOWN_DAYS = 7;

/**
 * The alerts raised in the last days, newest first: what the operators were mailed, and how
 * often each came back since (mailed once a day at most while it goes on, and again once it comes back after it was over: lib/alerts/raise.ts). An operator
 * who was not mailed, or lost the mail, finds it here.
 */
function listRecentAlerts(since: Date) {
  return db.alert.findMany({
    where: { lastAt: { gte: since } },
    orderBy: { lastAt: "desc" },
    take: 50,
    select: { key: true, subject: true, detail: true, link: true, firstAt: true, lastAt: true, occurrences: true, clearedAt: true },
  });
}

/** One run with what customers never see: its technical failure detail. Operators only. */
export function getRunForOperators(runId: string) {
  return db.sandboxRun.findUnique({
    where: { id: runId },
    select: {
      id: true, kind: true, status: true, createdAt: true, startedAt: true, finishedAt: true, attempts: true,
      workerId: true, heartbeatAt: true, lostAt: true, reservedBytes: true, roomRefusedBytes: true, stopReason: true, error: true, failureDetail: true, failureCode: true, progress: true,
      requestedBy: { select: { name: true, email: true } },
      sandbox: { select: { id: true, name: true, status: true, tenant: { select: { companyName: true, customerId: true } } } },
    },
  });
}
