/**
 * Copies that no sandbox points at and no run is building: what a worker killed
 * between a refresh's swap and the drop of the previous copy leaves behind (the
 * swap committed, so recovery sees a succeeded run and has nothing to do). Every
 * copy is named after its tenant and the run that built it (runDatabaseName), so
 * the sweep can tell: a copy whose run is known, neither queued nor running, and
 * that no sandbox references, is dropped. One listing per sandbox server that
 * holds sandboxes; a server that does not answer is skipped (its own alert says so),
 * so one server down never stops the sweep of the others.
 */
import { db } from "../db/portal";
import { databasesNamed, tryDropSandboxDatabase } from "../sanitizer/drop";
import { placedServerId, serverUrl } from "../sandbox-servers/registry";
import { COPY_DATABASE_PREFIX, isActiveRun, runDatabaseName } from "../jobs/lifecycle";

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
    for (const name of copies) {
      const prefix = prefixes.find((p) => name.startsWith(p));
      if (!prefix) continue;
      // The run first, then the sandboxes: a run's swap (completeCopy) ends it and points its
      // sandbox at the copy in one transaction. Read the other way round, a swap committing
      // between the two reads showed a copy nobody pointed at, of a run that had ended: the
      // sweep dropped the copy just swapped in.
      const run = await db.sandboxRun.findUnique({ where: { id: name.slice(prefix.length) }, select: { status: true } });
      // An unknown run id: not one of ours, whatever its name says. An active run: still being built.
      if (!run || isActiveRun(run)) continue;
      if ((await db.sandbox.count({ where: { databaseName: name } })) > 0) continue;
      // A server that stopped answering since the listing: its copies wait for the next sweep.
      if (!(await tryDropSandboxDatabase(url, name))) break;
      dropped.push(name);
    }
  }
  return dropped;
}
