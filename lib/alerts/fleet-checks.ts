/**
 * Conditions no single run notices, checked by every worker every few
 * minutes: a queue whose oldest run waits too long (no worker alive, or too few),
 * and a sandbox server that does not answer. Alerts are de-duplicated by key,
 * so several workers checking the same thing tell operators once.
 */
import pg from "pg";
import { survivesDrops } from "../db/client";
import { db } from "../db/portal";
import { serverNameOf } from "../db/urls";
import { defaultSandboxServerUrl, openConnections } from "../tenants/registry";
import { raiseAlertQuietly } from "./raise";

export const queueAlertMs = () => Number(process.env.ALERT_QUEUE_AGE_MINUTES ?? 15) * 60_000;

export async function checkQueueAge(now = new Date()): Promise<void> {
  const oldest = await db.sandboxRun.findFirst({ where: { status: "QUEUED" }, orderBy: { createdAt: "asc" }, select: { id: true, createdAt: true } });
  if (!oldest || now.getTime() - oldest.createdAt.getTime() < queueAlertMs()) return;
  const minutes = Math.round((now.getTime() - oldest.createdAt.getTime()) / 60_000);
  await raiseAlertQuietly({
    key: "queue-stale",
    subject: `a run has waited ${minutes} minutes for a worker`,
    detail: "The oldest queued run has not been picked up. Check that workers are running (the operations page lists the live ones) and that WORKER_CONCURRENCY fits the load.",
    link: `/operations/runs/${oldest.id}`,
  });
}

async function answers(url: string): Promise<boolean> {
  const client = survivesDrops(new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, statement_timeout: 5_000 }));
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function checkSandboxServers(): Promise<void> {
  const tenants = await db.tenant.findMany({ select: { productionUrlEncrypted: true, sandboxServerUrlEncrypted: true } });
  const servers = new Map<string, string>([[serverNameOf(defaultSandboxServerUrl()), defaultSandboxServerUrl()]]);
  for (const t of tenants) {
    if (!t.sandboxServerUrlEncrypted) continue;
    const url = openConnections(t).sandboxServerUrl;
    servers.set(serverNameOf(url), url);
  }
  for (const [name, url] of servers) {
    if (await answers(url)) continue;
    await raiseAlertQuietly({
      key: `server-unreachable:${name}`,
      subject: `sandbox server ${name} does not answer`,
      detail: `The sandbox server ${name} refused or timed out a connection. Copies, refreshes and checklist fixes of the sandboxes on it fail until it answers again.`,
      link: "/operations",
    });
  }
}
