/**
 * Whether a queued run may take a slot now, over all worker processes: its tenant
 * has fewer than RUNS_PER_TENANT runs going, and its sandbox server (a registered
 * one: lib/sandbox-servers) fewer copies writing into it than its maxConcurrentRuns,
 * or SANDBOX_SERVER_MAX_RUNS when it has none (a server's disk and connections are
 * shared by every tenant on it).
 *
 * pg-boss 10 has no concurrency per group (its singleton policy lets one active job
 * per key fail the whole fetch), so the limits are checked when a run is claimed,
 * inside the claim's transaction, against the runs themselves: a slot is a RUNNING
 * run. That is why a crashed worker never leaks one: its run stays RUNNING only until
 * its heartbeat goes stale and recovery queues it again (lib/worker/recovery.ts), and a
 * portal database that restarts loses nothing. Two claims for one tenant or one
 * server are serialized by a lock (the tenant's row; a transaction-scoped advisory
 * lock on the server's id), so both cannot pass the count.
 *
 * A run that finds its server full keeps its place in that server's line
 * (`serverWaitSince`): a slot that frees goes to the run that has waited longest, so
 * a busy server starves no one. A run that cannot go for its tenant's sake gives up
 * its place, so it never holds up another tenant's run on the same server.
 *
 * A run an earlier attempt of which was refused room on its server (its
 * roomRefusedBytes, lib/sandbox-servers/room.ts) waits here until that much is free,
 * without taking an attempt or reading production: room frees when other copies end
 * or operators raise the cap, which may take longer than its retries would wait. It
 * keeps no place in the server's line, so the copies that fit are not held up behind it.
 * It waits ROOM_WAIT_LIMIT_MS from the attempt that was refused at most, as every wait is
 * bounded: after that its attempts go on and, still refused, end it. Meanwhile its
 * customer may cancel it (a sandbox with a queued run can be neither refreshed nor
 * deleted).
 *
 * A copy whose sandbox server was found not answering (its mark: lib/jobs/server-outage.ts)
 * waits here alike, without taking an attempt, keeping no place in the server's line, and
 * bounded (SERVER_DOWN_WAIT_LIMIT_MS); nor does it take another tenant's turn meanwhile.
 */
import { lockTenant } from "../db/tenant-lock";
import { copyLimits } from "../config/copy-limits";
import { db } from "../db/portal";
import { Prisma } from "../generated/portal/client";
import { formatBytes } from "../format";
import { listServerUse, roomFor } from "../sandbox-servers/use";
import { queueTablesExist, RUN_QUEUE } from "./queue";
import { SERVER_DOWN_WORDS, waitsForServer } from "./server-outage";

type Tx = Prisma.TransactionClient;

/**
 * The longest a run waits for room before its attempts go on, from the start of the attempt that
 * was refused it. Counted from when the run was asked for, a regular refresh that had waited
 * hours in line for a slot (a thousand of them are asked for at one pass) had none of it left:
 * refused room, its attempts went on at once and failed it within minutes, on the very day a
 * server's refreshes, each held beside the copy it replaces, are likeliest to fill it.
 */
const ROOM_WAIT_LIMIT_MS = 6 * 60 * 60 * 1000;

/** Runs that write a copy into their sandbox server; a deletion only drops a database. */
const COPY_KINDS = ["PROVISION", "REFRESH"] as const;

export interface SlotRequest {
  runId: string;
  tenantId: string;
  /** The id of the SandboxServer the run copies into; null for a deletion. */
  server: string | null;
  /** Its place in the server's line, when it already waited for it. */
  serverWaitSince: Date | null;
  /** The room an earlier attempt was refused on the server, bytes; null when none was. */
  roomRefused?: number | null;
  /** When its latest attempt started (the one refused room): it waits for room ROOM_WAIT_LIMIT_MS from then at most. */
  roomRefusedSince?: Date;
  /** When it was asked for: it waits for a server that does not answer from the outage's start, or from then if later. */
  createdAt?: Date;
}

export type SlotVerdict =
  | { go: true }
  /**
   * Wait: `serverWaitSince` is the run's place in its server's line to keep (null: none);
   * `waitingForRoom`, what its customer reads while it waits for room on the server;
   * `waitingForServer`, while it waits for the server to answer again.
   */
  | { go: false; serverWaitSince: Date | null; waitingForRoom?: string; waitingForServer?: string; yieldsTurn?: true };

export async function findSlot(tx: Tx, run: SlotRequest, now = new Date()): Promise<SlotVerdict> {
  const limits = copyLimits();
  await lockTenant(tx, run.tenantId);
  if (await tenantAtRunLimit(tx, run.tenantId)) return { go: false, serverWaitSince: null };
  // Keeping its place in its server's line, if it has one: only the other tenant's turn comes first.
  if (await anotherTenantsTurn(tx, run.tenantId)) return { go: false, serverWaitSince: run.serverWaitSince, yieldsTurn: true };
  if (!run.server) return { go: true };
  const server = await tx.sandboxServer.findUnique({ where: { id: run.server }, select: { maxConcurrentRuns: true, unreachableSince: true } });
  // Its server was found not answering: no attempt, no place in its line, until it answers (bounded).
  if (waitsForServer(server?.unreachableSince ?? null, run.createdAt ?? now, now)) return { go: false, serverWaitSince: null, waitingForServer: SERVER_DOWN_WORDS };

  // Tenant row first, then the server: every claim locks in this order, so claims never deadlock.
  await lockServerLine(tx, run.server);
  const running = await copiesRunningOn(run.server, tx);
  const ahead = await tx.sandboxRun.count({
    where: {
      status: "QUEUED",
      sandboxServer: run.server,
      id: { not: run.runId },
      serverWaitSince: run.serverWaitSince ? { lt: run.serverWaitSince } : { not: null },
    },
  });
  if (running + ahead >= (server?.maxConcurrentRuns ?? limits.runsPerSandboxServer)) return { go: false, serverWaitSince: run.serverWaitSince ?? now };
  if (run.roomRefused && (!run.roomRefusedSince || now.getTime() - run.roomRefusedSince.getTime() < ROOM_WAIT_LIMIT_MS)) {
    const [use] = await listServerUse(tx, [run.server]);
    // Not a copy the cap can never hold: that one goes on, to fail for good when it asks (room.ts).
    if (use && roomFor(use, run.roomRefused) === "no room now") {
      const waitingForRoom = `The sandbox server has no room for this copy (about ${formatBytes(run.roomRefused)}) yet. Nothing was kept; our operators have been told. The copy starts as soon as there is room.`;
      return { go: false, serverWaitSince: null, waitingForRoom };
    }
  }
  return { go: true };
}

/**
 * A run of the tenant has just taken a slot (claimRun): once the tenant holds all its
 * RUNS_PER_TENANT, its other waiting runs cannot go, and give up their places in their
 * servers' lines now. Kept until each asked again (up to a minute later, slotWaitDelayMs),
 * such a place was counted as ahead of every later run on that server: another tenant's
 * run woken by a freed slot found it taken by a run that could not use it, and the slot
 * stayed empty until its next ask; a tenant whose dozen regular refreshes all took places
 * at the day's first pass held every other tenant's back that way, slot after slot.
 */
export async function leaveLinesOnceTenantIsFull(tx: Tx, tenantId: string): Promise<void> {
  if (!(await tenantAtRunLimit(tx, tenantId))) return;
  await tx.sandboxRun.updateMany({ where: { status: "QUEUED", serverWaitSince: { not: null }, sandbox: { tenantId } }, data: { serverWaitSince: null } });
}

/**
 * Whether another tenant has a run whose turn has come (its job is due, and no worker has
 * taken it) that was asked for before this tenant's latest run started: that run goes
 * first. The tenant limit alone defers a tenant's further runs only while one of its runs
 * holds a slot, so with one slot in all (one worker, WORKER_CONCURRENCY=1: the default)
 * the queue was first come, first served, and a tenant that queued a dozen refreshes kept
 * every other tenant waiting behind all of them. Now such a tenant waits its turn: the
 * other tenant waits behind one of its runs at most.
 */
async function anotherTenantsTurn(tx: Tx, tenantId: string): Promise<boolean> {
  if (!(await queueTablesExist(tx))) return false;
  // Only to a tenant whose own latest start is older (or who never had one): of two tenants that
  // both have runs waiting, one always goes, and they take turns rather than yield to each other.
  const [waiting] = await tx.$queryRaw<unknown[]>(anotherTenantsTurnQuery(tenantId));
  return waiting !== undefined;
}

/** What anotherTenantsTurn asks (exported for the test of its plan at scale). */
export function anotherTenantsTurnQuery(tenantId: string): Prisma.Sql {
  // Latest starts of this tenant and of the waiting runs' tenants alone: every claim asks, and all tenants' runs are many.
  // Each due job's run is found by its id, never through the runs' status: the statistics say a run is
  // seldom QUEUED until the day a thousand regular refreshes are, and the planner then read every queued
  // run again for each due job (a thousand of each: 140 ms a claim, and every claim asks).
  return Prisma.sql`
    WITH mine AS (SELECT max(r."startedAt") AS at FROM "SandboxRun" r JOIN "Sandbox" s ON s.id = r."sandboxId" WHERE s."tenantId" = ${tenantId})
    SELECT 1
      FROM pgboss.job j
      JOIN "SandboxRun" r ON r.id = j.data->>'runId'
      JOIN "Sandbox" s ON s.id = r."sandboxId"
     WHERE j.name = ${RUN_QUEUE} AND j.state IN ('created', 'retry') AND j.start_after <= now()
       AND r.status::text = 'QUEUED' AND s."tenantId" <> ${tenantId}
       -- A copy waiting for its server to answer again takes no slot now: its turn holds no one up. The servers
       -- marked down are read once (an array, not a join): as an anti-join the planner read every run there is.
       AND NOT (coalesce(r."sandboxServer", '') = ANY (ARRAY(SELECT v.id FROM "SandboxServer" v WHERE v."unreachableSince" IS NOT NULL)))
       AND r."createdAt" < (SELECT at FROM mine)
       AND coalesce((SELECT max(o."startedAt") FROM "SandboxRun" o JOIN "Sandbox" os ON os.id = o."sandboxId" WHERE os."tenantId" = s."tenantId"), '-infinity') < (SELECT at FROM mine)
     LIMIT 1`;
}

/**
 * Serializes, until `tx` ends, what is given out on one sandbox server: its slots
 * (here) and its room (lib/sandbox-servers/room.ts). Its own lock, not the server's
 * row, which placement and operators' edits lock.
 */
export async function lockServerLine(tx: Tx, server: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sandbox-server:${server}`}, 0))`;
}

/** Copies writing into the sandbox server `server` now. */
function copiesRunningOn(server: string, tx: Tx = db): Promise<number> {
  return tx.sandboxRun.count({ where: { status: "RUNNING", kind: { in: [...COPY_KINDS] }, sandboxServer: server } });
}

/** What a run waiting for its sandbox server's next free slot says. */
export const SERVER_WAIT_WORDS = "Waiting for a free slot on the sandbox server: this copy keeps its place in line and starts when one frees up.";

/** What a run waiting for its own tenant's runs under way (RUNS_PER_TENANT) says. */
export const TENANT_WAIT_WORDS = "Waiting for another of your organisation's runs to end: they take turns, and this one starts when one ends.";

/**
 * Whether the tenant's runs under way take all its slots (RUNS_PER_TENANT), so its queued runs
 * wait for them: on a regular-refresh day, a customer with dozens of sandboxes had every one of
 * their pages say it waited for a worker, for hours, while the workers served other customers.
 */
export async function tenantSlotsTaken(tenantId: string): Promise<boolean> {
  return tenantAtRunLimit(db, tenantId);
}

/** Whether the tenant's RUNNING runs hold all its RUNS_PER_TENANT slots: the one count behind a claim, the lines it leaves and its page. */
async function tenantAtRunLimit(client: Tx, tenantId: string): Promise<boolean> {
  const running = await client.sandboxRun.count({ where: { status: "RUNNING", sandbox: { tenantId } } });
  return running >= copyLimits().runsPerTenant;
}

/**
 * What a queued run waits for, in words for its customer; null when it waits only
 * for a worker (or its retry's time). How many copies hold the server is not said:
 * on a shared server they are mostly other customers' copies, and their activity is
 * theirs.
 */
export function describeServerWait(run: { status: string; sandboxServer: string | null; serverWaitSince: Date | null }): string | null {
  if (run.status !== "QUEUED" || !run.sandboxServer || !run.serverWaitSince) return null;
  return SERVER_WAIT_WORDS;
}
