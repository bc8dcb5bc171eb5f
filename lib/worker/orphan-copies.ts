/**
 * Copies that no sandbox points at and no run is building: what a worker killed
 * between a refresh's swap and the drop of the previous copy leaves behind (the
 * swap committed, so recovery sees a succeeded run and has nothing to do). Every
 * copy is named after its tenant and the run that built it (runDatabaseName), so
 * the sweep can tell: a copy whose run is known, neither queued nor running, and
 * that no sandbox references, is dropped. One listing per sandbox server that
 * holds sandboxes; a server that does not answer is skipped (its own alert says so),
 * so one server down never stops the sweep of the others.
 *
 * Once a minute for the whole fleet: a job scheduled on the queue, which one worker
 * takes. Each worker's own 15-second sweep listed every sandbox server: with a dozen
 * workers and as many servers, every server took a new session about every second,
 * for a listing that finds something after a crash at most.
 */
import type PgBoss from "pg-boss";
import { db } from "../db/portal";
import { DatabaseStillInUse, databasesNamed, dropSandboxDatabase } from "../sanitizer/drop";
import { log } from "../observability/log";
import { placedServerId, serverUrl } from "../sandbox-servers/registry";
import { COPY_DATABASE_PREFIX, isActiveRun, runDatabaseName } from "../jobs/lifecycle";
import { ORPHAN_SWEEP_QUEUE } from "../jobs/queue";

/** Schedules the sweep every minute (upserted by name: any number of workers may) and takes its jobs. */
export async function registerOrphanSweep(boss: PgBoss): Promise<string> {
  await boss.schedule(ORPHAN_SWEEP_QUEUE, "* * * * *", {}, { tz: "UTC" });
  return boss.work(ORPHAN_SWEEP_QUEUE, async () => {
    const orphans = await dropOrphanCopies();
    if (orphans.length > 0) log.warn({ databases: orphans }, "dropped copies no sandbox points at");
  });
}

export async function dropOrphanCopies(): Promise<string[]> {
  const sandboxes = await db.sandbox.findMany({
    select: { sandboxServerId: true, tenant: { select: { customerId: true, sandboxServerId: true } } },
    distinct: ["tenantId", "sandboxServerId"],
  });
  const prefixesByServer = new Map<string, Set<string>>();
  for (const sandbox of sandboxes) {
    const serverId = placedServerId(sandbox);
    prefixesByServer.set(serverId, (prefixesByServer.get(serverId) ?? new Set()).add(runDatabaseName(sandbox.tenant.customerId, "")));
  }
  const servers = await db.sandboxServer.findMany({ where: { id: { in: [...prefixesByServer.keys()] } }, select: { id: true, urlEncrypted: true } });
  const dropped: string[] = [];
  for (const server of servers) {
    const url = serverUrl(server);
    const prefixes = [...prefixesByServer.get(server.id)!];
    const copies = await databasesNamed(url, COPY_DATABASE_PREFIX).catch(() => []);
    // Each copy's run id, for the copies of this server's tenants.
    const runOf = new Map<string, string>();
    for (const name of copies) {
      const prefix = prefixes.find((p) => name.startsWith(p));
      if (prefix) runOf.set(name, name.slice(prefix.length));
    }
    if (runOf.size === 0) continue;
    // Two statements for the whole server, whatever its number of copies. The runs first, then
    // the sandboxes: a run's swap (completeCopy) ends it and points its sandbox at the copy in
    // one transaction. Read the other way round, a swap committing between the two reads showed
    // a copy nobody pointed at, of a run that had ended: the sweep dropped the copy just swapped in.
    const runs = await db.sandboxRun.findMany({ where: { id: { in: [...new Set(runOf.values())] } }, select: { id: true, status: true } });
    // An unknown run id: not one of ours, whatever its name says. An active run: still being built.
    const ended = new Set(runs.filter((run) => !isActiveRun(run)).map((run) => run.id));
    const candidates = [...runOf].filter(([, runId]) => ended.has(runId)).map(([name]) => name);
    if (candidates.length === 0) continue;
    const pointedAt = new Set(
      (await db.sandbox.findMany({ where: { databaseName: { in: candidates } }, select: { databaseName: true } })).map((s) => s.databaseName),
    );
    for (const name of candidates) {
      if (pointedAt.has(name)) continue;
      const outcome = await dropSandboxDatabase(url, name).then(
        () => "dropped" as const,
        (error: unknown) => {
          log.warn({ err: error, database: name }, "an orphan copy could not be dropped; the next sweep tries again");
          return error instanceof DatabaseStillInUse ? ("in use" as const) : ("failed" as const);
        },
      );
      // A server that stopped answering since the listing, or whose drops all wait: its copies wait for the
      // next sweep. One copy still held open (its customer's CRM signed in as another role) is that copy's
      // alone: breaking there left every other customer's copy after it on the server, sweep after sweep.
      if (outcome === "failed") break;
      if (outcome === "dropped") dropped.push(name);
    }
  }
  return dropped;
}
