/**
 * Conditions no single run notices, checked by every worker every few
 * minutes: a queue whose oldest run waits too long (no worker alive, or too few),
 * and a sandbox server that does not answer. Alerts are de-duplicated by key,
 * so several workers checking the same thing tell operators once.
 */
import { db } from "../db/portal";
import { env } from "../config/env";
import { oldestOverdueRun } from "../jobs/overdue";
import { serverAnswers } from "../sandbox-servers/reachability";
import { tlsRefusal } from "../db/tls-policy";
import { serverAddress, serverUrl } from "../sandbox-servers/registry";
import { clearServerDown, serverUnreachableAlert } from "../jobs/server-outage";
import { log } from "../observability/log";
import { clearAlertQuietly, raiseAlertQuietly } from "./raise";

const queueAlertMs = () => env().ALERT_QUEUE_AGE_MINUTES * 60_000;

/** How often each worker (and a web app without one: queue-watch.ts) checks the fleet. */
export const FLEET_CHECK_EVERY_MS = 5 * 60_000;
/**
 * Every worker finds the same condition on every check: it is counted once in most of an interval,
 * so "times" means checks that found it (12 an hour), not 12 × the number of workers.
 */
export const FLEET_COUNT_ONCE_PER_MS = FLEET_CHECK_EVERY_MS * 0.8;

/** Alerts when a run whose turn has come has waited longer than queueAlertMs for a worker to take it (oldestOverdueRun). */
export async function checkQueueAge(): Promise<void> {
  const oldest = await oldestOverdueRun();
  if (!oldest || oldest.overdueMs < queueAlertMs()) return clearAlertQuietly("queue-stale");
  const minutes = Math.round(oldest.overdueMs / 60_000);
  await raiseAlertQuietly({
    key: "queue-stale",
    subject: `a run has waited ${minutes} minutes for a worker`,
    detail:
      "The oldest run whose turn has come has not been picked up (runs waiting on purpose, for a retry, a slot or room on their server, are not counted). Check that workers are running (the operations page lists the live ones) and that WORKER_CONCURRENCY fits the load.",
    link: `/operations/runs/${oldest.runId}`,
    countOncePerMs: FLEET_COUNT_ONCE_PER_MS,
  });
}

/** How many sandbox servers one pass asks at once: a pass over many that do not answer takes (servers / 8) × 5 s, not servers × 5 s. */
export const SERVERS_ASKED_AT_ONCE = 8;

/**
 * Asks every sandbox server whether it answers, SERVERS_ASKED_AT_ONCE at a time: asked one after
 * another, up to 5 s each, a pass over 100 dead servers took over 8 minutes, longer than the
 * 5 minutes between passes, and their alerts came late and were cleared for want of being raised.
 */
export async function checkSandboxServers(answerWithinMs = 5_000): Promise<void> {
  const servers = await db.sandboxServer.findMany({ select: { id: true, name: true, urlEncrypted: true } });
  let next = 0;
  const askNext = async (): Promise<void> => {
    for (let server = servers[next++]; server; server = servers[next++]) await checkSandboxServer(server, answerWithinMs);
  };
  await Promise.all(Array.from({ length: Math.min(SERVERS_ASKED_AT_ONCE, servers.length) }, askNext));
}

async function checkSandboxServer(server: { id: string; name: string; urlEncrypted: string | null }, answerWithinMs: number): Promise<void> {
  const url = serverUrl(server);
  const name = `${server.name} (${serverAddress(server)})`;
  // Never asked: its URL does not ask for checked TLS, which REQUIRE_DATABASE_TLS requires (tls-policy.ts).
  if (tlsRefusal(url)) {
    return raiseAlertQuietly({
      key: `server-unreachable:${server.name}`,
      subject: `sandbox server ${name} is refused: its URL has no checked TLS`,
      detail: `REQUIRE_DATABASE_TLS refuses the URL of the sandbox server ${name}: it does not ask for TLS that checks the server's certificate. Copies, refreshes and checklists of the sandboxes on it fail until it is set anew (ops server:set --url, with sslmode=verify-full).`,
      link: "/operations",
      countOncePerMs: FLEET_COUNT_ONCE_PER_MS,
    });
  }
  if (await serverAnswers(url, answerWithinMs)) {
    // Its runs waiting for it (lib/jobs/server-outage.ts) go on at their next ask.
    await clearServerDown(server.id).catch((error: unknown) => log.error({ err: error, serverId: server.id }, "a sandbox server's outage mark could not be cleared"));
    return clearAlertQuietly(`server-unreachable:${server.name}`);
  }
  await raiseAlertQuietly({ ...serverUnreachableAlert(server), countOncePerMs: FLEET_COUNT_ONCE_PER_MS });
}
