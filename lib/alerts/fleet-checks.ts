/**
 * Conditions no single run notices, checked by every worker every few
 * minutes: a queue whose oldest run waits too long (no worker alive, or too few),
 * and a sandbox server that does not answer. Alerts are de-duplicated by key,
 * so several workers checking the same thing tell operators once.
 */
import { db } from "../db/portal";
import { oldestOverdueRun } from "../jobs/overdue";
import { serverAnswers } from "../sandbox-servers/reachability";
import { serverAddress, serverUrl } from "../sandbox-servers/registry";
import { raiseAlertQuietly } from "./raise";

export const queueAlertMs = () => Number(process.env.ALERT_QUEUE_AGE_MINUTES ?? 15) * 60_000;

/** Alerts when a run whose turn has come has waited longer than queueAlertMs for a worker to take it (oldestOverdueRun). */
export async function checkQueueAge(): Promise<void> {
  const oldest = await oldestOverdueRun();
  if (!oldest || oldest.overdueMs < queueAlertMs()) return;
  const minutes = Math.round(oldest.overdueMs / 60_000);
  await raiseAlertQuietly({
    key: "queue-stale",
    subject: `a run has waited ${minutes} minutes for a worker`,
    detail:
      "The oldest run whose turn has come has not been picked up (runs waiting on purpose, for a retry, a slot or room on their server, are not counted). Check that workers are running (the operations page lists the live ones) and that WORKER_CONCURRENCY fits the load.",
    link: `/operations/runs/${oldest.runId}`,
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
