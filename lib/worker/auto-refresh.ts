/**
 * Regular refreshes: every ready sandbox whose chosen day of the month is today, and
 * that was not refreshed and had no refresh asked for today, gets a refresh run with its
 * saved wizard choices — the same run a user would start by hand. Looked for every hour
 * (from 02:15 UTC, the day's first), so a day's refreshes that one pass could not start
 * (the portal database down for a moment, a deploy stopping the worker mid-pass) are
 * started by the next instead of waiting a month; one asked for today and failed is not
 * asked for again that day (its page offers the retry).
 */
import type PgBoss from "pg-boss";
import { db } from "../db/portal";
import type { Prisma } from "../generated/portal/client";
import { AppError } from "../errors";
import { SCHEDULE_QUEUE } from "../jobs/queue";
import { requestRun } from "../jobs/lifecycle";
import { log } from "../observability/log";

/** Schedules the looking every hour (upserted by name: any number of workers may) and takes its jobs; returns the work's id. */
export async function registerAutoRefresh(boss: PgBoss): Promise<string> {
  await boss.schedule(SCHEDULE_QUEUE, "15 * * * *", {}, { tz: "UTC" });
  return boss.work(SCHEDULE_QUEUE, async () => {
    await startDueRefreshes();
  });
}

export async function startDueRefreshes(now = new Date()): Promise<string[]> {
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const due = await db.sandbox.findMany({
    where: {
      autoRefreshDay: now.getUTCDate(),
      status: "READY",
      OR: [{ lastRefreshedAt: null }, { lastRefreshedAt: { lt: startOfDay } }],
      runs: { none: { kind: "REFRESH", createdAt: { gte: startOfDay } } },
    },
    select: { id: true, options: true },
  });
  const started: string[] = [];
  for (const sandbox of due) {
    if (!sandbox.options) continue;
    try {
      await requestRun({ sandboxId: sandbox.id, kind: "REFRESH", requestedById: null, options: sandbox.options as Prisma.InputJsonValue });
      started.push(sandbox.id);
    } catch (error) {
      // Running already, or deleted since it was read: nothing to start. Anything else is
      // this sandbox's alone: the others due today still get their refresh.
      if (error instanceof AppError && (error.code === "RUN_IN_PROGRESS" || error.code === "CONFLICT")) continue;
      log.error({ err: error, sandboxId: sandbox.id }, "could not start a regular refresh");
    }
  }
  return started;
}
