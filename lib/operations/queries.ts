/**
 * The operator overview: what the queue and the workers are doing, how long
 * copies take, what failed, and how each sandbox server is used. Everything is
 * read from the portal database (sizes as recorded after each copy), so the
 * page stays fast with thousands of sandboxes and never waits on a server.
 */
import "server-only";
import { db } from "../db/portal";
import { serverNameOf } from "../db/urls";
import { listWorkersAlive } from "../observability/workers";
import { openConnections } from "../tenants/registry";

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

export interface ServerUse {
  name: string;
  databases: number;
  bytes: number;
  runsInFlight: number;
}

/** Per sandbox server: live sandbox databases, their recorded size, and runs going now. */
async function serverUse(): Promise<ServerUse[]> {
  const tenants = await db.tenant.findMany({
    select: {
      productionUrlEncrypted: true,
      sandboxServerUrlEncrypted: true,
      sandboxes: {
        where: { deletedAt: null },
        select: { databaseName: true, sizeBytes: true, runs: { where: { status: "RUNNING" }, select: { id: true } } },
      },
    },
  });
  const servers = new Map<string, ServerUse>();
  for (const tenant of tenants) {
    const name = serverNameOf(openConnections(tenant).sandboxServerUrl);
    const use = servers.get(name) ?? { name, databases: 0, bytes: 0, runsInFlight: 0 };
    for (const s of tenant.sandboxes) {
      if (s.databaseName) use.databases += 1;
      use.bytes += Number(s.sizeBytes ?? 0);
      use.runsInFlight += s.runs.length;
    }
    servers.set(name, use);
  }
  return [...servers.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function getOperationsOverview(now = new Date()) {
  const since = new Date(now.getTime() - DAY_MS);
  const [queued, running, failed24h, oldestQueued, durations, workers, servers, recentFailures] = await Promise.all([
    db.sandboxRun.count({ where: { status: "QUEUED" } }),
    db.sandboxRun.count({ where: { status: "RUNNING" } }),
    db.sandboxRun.count({ where: { status: "FAILED", finishedAt: { gte: since } } }),
    db.sandboxRun.findFirst({
      where: { status: "QUEUED" },
      orderBy: { createdAt: "asc" },
      select: { id: true, createdAt: true, kind: true, sandbox: { select: { name: true, tenant: { select: { companyName: true } } } } },
    }),
    copyDurations(new Date(now.getTime() - 7 * DAY_MS)),
    listWorkersAlive(now),
    serverUse(),
    listFailedRuns(since),
  ]);
  return { now, queued, running, failed24h, oldestQueued, durations, workers, servers, recentFailures };
}

export type OperationsOverview = Awaited<ReturnType<typeof getOperationsOverview>>;

function listFailedRuns(since: Date) {
  return db.sandboxRun.findMany({
    where: { status: "FAILED", finishedAt: { gte: since } },
    orderBy: { finishedAt: "desc" },
    take: 50,
    select: { id: true, kind: true, finishedAt: true, error: true, sandbox: { select: { id: true, name: true, tenant: { select: { companyName: true, customerId: true } } } } },
  });
}

/** One run with what customers never see: its technical failure detail. Operators only. */
export function getRunForOperators(runId: string) {
  return db.sandboxRun.findUnique({
    where: { id: runId },
    select: {
      id: true, kind: true, status: true, createdAt: true, startedAt: true, finishedAt: true, attempts: true,
      workerId: true, heartbeatAt: true, error: true, failureDetail: true, progress: true,
      requestedBy: { select: { name: true, email: true } },
      sandbox: { select: { id: true, name: true, status: true, tenant: { select: { companyName: true, customerId: true } } } },
    },
  });
}
