/**
 * Conditions no single run notices, checked by every worker every few
 * minutes: a queue whose oldest run waits too long (no worker alive, or too few),
 * and a sandbox server that does not answer. Alerts are de-duplicated by key,
 * so several workers checking the same thing tell operators once.
 */
import { db } from "../db/portal";
import { serverAnswers } from "../sandbox-servers/reachability";
import { serverAddress, serverUrl } from "../sandbox-servers/registry";
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

export async function checkSandboxServers(): Promise<void> {
  const servers = await db.sandboxServer.findMany({ select: { name: true, urlEncrypted: true } });
  for (const server of servers) {
    if (await serverAnswers(serverUrl(server), 5_000)) continue;
    const name = `${server.name} (${serverAddress(server)})`;
    await raiseAlertQuietly({
      key: `server-unreachable:${server.name}`,
      subject: `sandbox server ${name} does not answer`,
      detail: `The sandbox server ${name} refused or timed out a connection. Copies, refreshes and checklist fixes of the sandboxes on it fail until it answers again; sandboxes on other servers are not affected.`,
      link: "/operations",
    });
  }
}
