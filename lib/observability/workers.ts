/**
 * Worker processes announce themselves: a heartbeat row per process, renewed
 * on every recovery sweep, so operators see which workers are alive without
 * reaching into their machines. Rows of long-dead workers are pruned.
 */
import { hostname } from "node:os";
import { databaseNow } from "../db/database-clock";
import { db } from "../db/portal";

/** A worker whose last heartbeat is younger than this is alive (sweeps beat every 15 s). */
export const WORKER_ALIVE_MS = 60_000;
const FORGET_AFTER_MS = 7 * 24 * 3600_000;

export async function beatWorker(workerId: string, concurrency: number, at?: Date): Promise<void> {
  const now = at ?? (await databaseNow());
  await db.workerHeartbeat.upsert({
    where: { id: workerId },
    create: { id: workerId, hostname: hostname(), pid: process.pid, concurrency, beatAt: now },
    update: { beatAt: now, concurrency },
  });
  await db.workerHeartbeat.deleteMany({ where: { beatAt: { lt: new Date(now.getTime() - FORGET_AFTER_MS) } } });
}

export async function forgetWorker(workerId: string): Promise<void> {
  await db.workerHeartbeat.deleteMany({ where: { id: workerId } });
}

export async function listWorkersAlive(at?: Date) {
  const now = at ?? (await databaseNow());
  return db.workerHeartbeat.findMany({
    where: { beatAt: { gte: new Date(now.getTime() - WORKER_ALIVE_MS) } },
    orderBy: { startedAt: "asc" },
    select: { id: true, hostname: true, pid: true, concurrency: true, startedAt: true, beatAt: true },
  });
}
