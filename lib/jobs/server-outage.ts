/**
 * A sandbox server that does not answer, as its runs see it. Without this, every run queued for
 * a server that was down took its attempts one after another and failed (200 queued runs: three
 * attempts each within about three minutes, 200 failures mailed, and regular refreshes not asked
 * for again until the next month), though nothing was wrong with their productions and the
 * server would answer again in an hour.
 *
 * Now a copy's attempt that fails in a way an outage of its server would cause asks the server
 * (serverAnswers, bounded); one that does not answer is marked down (SandboxServer.unreachableSince,
 * in the portal database, so every worker process honours it) and its operators are told, once
 * for the outage. That attempt counts, as any; its run and every other copy on that server then
 * wait at their claim (lib/jobs/slots.ts) without taking an attempt or reading production, and say
 * why in plain words. One claim at a time asks the server again (SERVER_DOWN_PROBE_EVERY_MS
 * apart, whichever worker it is on), and the workers' fleet check asks it too: once it answers,
 * the mark is cleared and the runs waiting for it are woken.
 *
 * Bounded, as every wait: a run waits SERVER_DOWN_WAIT_LIMIT_MS from the outage's start (or from
 * when it was asked for, if later) at most; after that its attempts go on and, the server still
 * down, fail it as before. Production not answering is told apart: the server answers then, is
 * not marked, and the run's attempts go on as before. Runs on other servers, and other tenants'
 * turns, are not held up by it (slots.ts leaves the waiting runs out of the tenants' turns).
 */
import { raiseAlertQuietly, type AlertInput } from "../alerts/raise";
import { databaseNow } from "../db/database-clock";
import { db } from "../db/portal";
import { serverAnswers } from "../sandbox-servers/reachability";
import { serverAddress, serverUrl } from "../sandbox-servers/registry";

/** The longest a run waits for its server to answer again: from the outage's start, or from when the run was asked for if later. */
export const SERVER_DOWN_WAIT_LIMIT_MS = 6 * 60 * 60 * 1000;
/** How often a run waiting for its server asks again (a server that answers wakes them at once: clearing the mark). */
export const SERVER_DOWN_DEFER_MS = 30_000;
/** How often, at most, a claim asks a server marked down whether it answers again: one claim, whichever worker's. */
export const SERVER_DOWN_PROBE_EVERY_MS = 30_000;
/** How long the server is given to answer when asked. */
const ANSWER_WITHIN_MS = 5_000;

/** What a copy waiting for its sandbox server says to its customer (no host names: the server is the portal's). */
export const SERVER_DOWN_WORDS = "The sandbox server is not answering right now. Nothing was changed; our operators have been told. The copy starts as soon as it answers again.";

/** Whether a run on a server marked down since `since` (null: not marked) still waits for it rather than take an attempt. */
export function waitsForServer(since: Date | null, runCreatedAt: Date, now: Date): boolean {
  if (!since) return false;
  const from = Math.max(since.getTime(), runCreatedAt.getTime());
  return now.getTime() - from < SERVER_DOWN_WAIT_LIMIT_MS;
}

/**
 * After a copy's attempt on `serverId` failed in a way its outage would cause (failure.ts
 * mayBeServerOutage): asks the server, and marks it down when it does not answer. The first
 * mark of an outage tells operators. True when the server is down.
 */
export async function markIfServerDown(serverId: string): Promise<boolean> {
  const server = await db.sandboxServer.findUnique({ where: { id: serverId }, select: { name: true, urlEncrypted: true } });
  if (!server || (await serverAnswers(serverUrl(server), ANSWER_WITHIN_MS))) return false;
  const now = await databaseNow();
  const marked = await db.sandboxServer.updateMany({ where: { id: serverId, unreachableSince: null }, data: { unreachableSince: now, unreachableCheckedAt: now } });
  if (marked.count === 1) {
    await raiseAlertQuietly(serverUnreachableAlert(server));
  } else {
    await db.sandboxServer.updateMany({ where: { id: serverId }, data: { unreachableCheckedAt: now } });
  }
  return true;
}

/**
 * A claim held back by the mark on `serverId`: if no one has asked the server for
 * SERVER_DOWN_PROBE_EVERY_MS, this claim takes that turn (one statement: of several workers,
 * one asks) and asks it. True when it answered, and the mark is cleared.
 */
export async function askMarkedServer(serverId: string): Promise<boolean> {
  const now = await databaseNow();
  const [turn] = await db.sandboxServer.updateManyAndReturn({
    where: {
      id: serverId,
      unreachableSince: { not: null },
      OR: [{ unreachableCheckedAt: null }, { unreachableCheckedAt: { lt: new Date(now.getTime() - SERVER_DOWN_PROBE_EVERY_MS) } }],
    },
    data: { unreachableCheckedAt: now },
    select: { urlEncrypted: true },
  });
  if (!turn || !(await serverAnswers(serverUrl(turn), ANSWER_WITHIN_MS))) return false;
  return clearServerDown(serverId);
}

/** The server answers: its runs no longer wait for it. True when it was marked. */
export async function clearServerDown(serverId: string): Promise<boolean> {
  const cleared = await db.sandboxServer.updateMany({ where: { id: serverId, unreachableSince: { not: null } }, data: { unreachableSince: null, unreachableCheckedAt: null } });
  return cleared.count > 0;
}

/**
 * The alert of a sandbox server that does not answer: one key per server, whoever finds it (the
 * workers' fleet check, or the first copy's attempt that finds it down), so an outage is told once.
 */
export function serverUnreachableAlert(server: { name: string; urlEncrypted: string | null }): AlertInput {
  const name = `${server.name} (${serverAddress(server)})`;
  return {
    key: `server-unreachable:${server.name}`,
    subject: `sandbox server ${name} does not answer`,
    detail:
      `The sandbox server ${name} refused or timed out a connection. Copies and refreshes of the sandboxes on it wait for it without using their attempts, ` +
      `for up to ${SERVER_DOWN_WAIT_LIMIT_MS / 3_600_000} hours from the outage's start, then fail; checklist fixes and deletions fail until it answers again. Sandboxes on other servers are not affected.`,
    link: "/operations",
  };
}
