/**
 * Production wins. While the copy holds production's snapshot, its sessions hold
 * ACCESS SHARE locks on every table they have read. That never blocks production's
 * reads and writes, but it does block DDL (a customer's `ALTER TABLE`), and every
 * ordinary query on that table then queues behind the DDL: production stalls for
 * as long as the copy lasts.
 *
 * So a watchdog polls production, on a session of its own, for sessions that the
 * copy's sessions block (pg_blocking_pids, which also counts a conflicting request
 * queued behind ours). When any has waited longer than the grace time, the copy
 * gives way at once: its sessions are terminated — they are our own role's, and
 * ending them is what releases the locks even while a session sits idle between
 * statements — and the run fails with GAVE_WAY, to be tried again later.
 *
 * A wait is timed from when the watchdog first saw it (pg_stat_activity hides
 * other roles' timings from a plain reader), so production waits at most
 * grace + one poll + the time to end our sessions.
 */
import type pg from "pg";
import { openProductionClient } from "../crm/read-only";
import { SanitizationError } from "./errors";
import type { ProductionSnapshot } from "./snapshot";

export interface LockWatchdog {
  /** Aborted, with a GAVE_WAY SanitizationError as its reason, when the copy gave way. */
  signal: AbortSignal;
  stop(): Promise<void>;
}

/** Sessions waiting for a lock that one of `$1`'s sessions holds, or has asked for ahead of them. */
const BLOCKED_BY_US = `
  SELECT w.pid FROM (SELECT DISTINCT pid FROM pg_locks WHERE NOT granted AND pid IS NOT NULL) w
  WHERE w.pid <> ALL($1::int[]) AND pg_blocking_pids(w.pid) && $1::int[]`;

export function watchForBlockedProduction(
  productionUrl: string,
  snapshot: Pick<ProductionSnapshot, "backendPids">,
  graceMs: number,
): LockWatchdog {
  const controller = new AbortController();
  const pollMs = Math.max(50, Math.min(500, graceMs / 4));
  const firstSeen = new Map<number, number>();
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const giveWay = async (session: pg.Client, ours: number[]) => {
    const seconds = Math.round(graceMs / 100) / 10;
    controller.abort(
      new SanitizationError(
        "GAVE_WAY",
        `Production needed a table the copy was reading: one of production's own sessions waited more than ${seconds} s, so the copy gave way.`,
      ),
    );
    await session.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [ours]);
  };

  const tick = async () => {
    client ??= await openProductionClient(productionUrl);
    const ours = snapshot.backendPids();
    const { rows } = await client.query<{ pid: number }>(BLOCKED_BY_US, [ours]);
    const now = Date.now();
    const blocked = new Set(rows.map((r) => r.pid));
    for (const pid of firstSeen.keys()) if (!blocked.has(pid)) firstSeen.delete(pid);
    for (const pid of blocked) if (!firstSeen.has(pid)) firstSeen.set(pid, now);
    if ([...firstSeen.values()].some((since) => now - since >= graceMs)) await giveWay(client, ours);
  };

  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      running = tick()
        .catch(async () => {
          // A failed poll (production briefly unreachable) must not fail the copy; the next one reconnects.
          await client?.end().catch(() => undefined);
          client = null;
        })
        .finally(() => {
          if (!stopped && !controller.signal.aborted) schedule();
        });
    }, pollMs);
  };
  schedule();

  return {
    signal: controller.signal,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await client?.end().catch(() => undefined);
    },
  };
}
