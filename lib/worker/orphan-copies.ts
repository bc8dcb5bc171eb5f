/**
 * Copies that no sandbox points at and no run is building: what a worker killed
 * between a refresh's swap and the drop of the previous copy leaves behind (the
 * swap committed, so recovery sees a succeeded run and has nothing to do). Every
 * copy is named after its tenant and the run that built it (runDatabaseName), so
 * the sweep can tell: a copy whose run is known, neither queued nor running, and
 * that no sandbox references, is dropped. One listing per sandbox server.
 */
import { db } from "../db/portal";
import { oneOffQuery } from "../db/one-off-query";
import { dropSandboxDatabase } from "../sanitizer/drop";
import { openConnections } from "../tenants/registry";
import { ACTIVE_RUN_STATUSES, runDatabaseName } from "../jobs/lifecycle";

export async function dropOrphanCopies(): Promise<string[]> {
  const tenants = await db.tenant.findMany({
    where: { sandboxes: { some: {} } },
    select: { customerId: true, productionUrlEncrypted: true, sandboxServerUrlEncrypted: true },
  });
  const prefixesByServer = new Map<string, string[]>();
  for (const tenant of tenants) {
    const { sandboxServerUrl } = openConnections(tenant);
    prefixesByServer.set(sandboxServerUrl, [...(prefixesByServer.get(sandboxServerUrl) ?? []), runDatabaseName(tenant.customerId, "")]);
  }
  const dropped: string[] = [];
  for (const [serverUrl, prefixes] of prefixesByServer) {
    const copies = await oneOffQuery<{ name: string }>(serverUrl, "SELECT datname AS name FROM pg_database WHERE datname LIKE 'sbx\\_%'");
    for (const { name } of copies) {
      const prefix = prefixes.find((p) => name.startsWith(p));
      if (!prefix || (await db.sandbox.count({ where: { databaseName: name } })) > 0) continue;
      const run = await db.sandboxRun.findUnique({ where: { id: name.slice(prefix.length) }, select: { status: true } });
      // An unknown run id: not one of ours, whatever its name says. An active run: still being built.
      if (!run || (ACTIVE_RUN_STATUSES as readonly string[]).includes(run.status)) continue;
      await dropSandboxDatabase(serverUrl, name);
      dropped.push(name);
    }
  }
  return dropped;
}
