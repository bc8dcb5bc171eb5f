/**
 * Ready sandboxes whose copy is not on their server. Such a sandbox still says "Ready":
 * its people find nothing behind it, its refresh makes a copy elsewhere, and its deletion
 * drops nothing while the copy, a customer's data, stays wherever it really is. It happens
 * when an operator points SANDBOX_SERVER_URL (or a registered server's URL) at another
 * server, when a server comes back rebuilt empty, or when someone drops databases by hand.
 * The sizes' listing (sandbox-sizes.ts) reads every server's sandbox databases every ten
 * minutes; this sets it beside the sandboxes recorded there and tells operators, once per
 * alert window. It changes nothing itself: which server is right is the operator's to say.
 */
import { raiseAlertQuietly } from "../alerts/raise";
import { db } from "../db/portal";
import { COPY_DATABASE_PREFIX } from "../jobs/lifecycle";
import { BUILT_IN_SERVER_ID } from "../sandbox-servers/registry";

export interface RecordedCopy {
  id: string;
  name: string;
  databaseName: string;
  companyName: string;
}

/** The Ready sandboxes placed on the server, with their database: read before its listing, so that none made meanwhile is missed by it. */
export async function readyCopiesOn(serverId: string): Promise<RecordedCopy[]> {
  const placedHere = [
    { sandboxServerId: serverId },
    // Never placed: where its tenant's sandboxes go (registry.ts placedServerId).
    { sandboxServerId: null, tenant: { sandboxServerId: serverId } },
    ...(serverId === BUILT_IN_SERVER_ID ? [{ sandboxServerId: null, tenant: { sandboxServerId: null } }] : []),
  ];
  const rows = await db.sandbox.findMany({
    // Only names the listing holds (every copy a run made since runs named their databases).
    where: { status: "READY", databaseName: { startsWith: COPY_DATABASE_PREFIX }, OR: placedHere },
    select: { id: true, name: true, databaseName: true, tenant: { select: { companyName: true } } },
  });
  return rows.map((s) => ({ id: s.id, name: s.name, databaseName: s.databaseName!, companyName: s.tenant.companyName }));
}

/** Alerts on the recorded copies `listed` lacks that are still Ready under the same name; returns how many. */
export async function alertMissingDatabases(server: { name: string; address: string }, recorded: readonly RecordedCopy[], listed: ReadonlySet<string>): Promise<number> {
  const absent = recorded.filter((r) => !listed.has(r.databaseName));
  if (absent.length === 0) return 0;
  // A refresh may have swapped in a new copy, or a deletion begun, since they were read: those are not missing.
  const still = await db.sandbox.findMany({ where: { id: { in: absent.map((a) => a.id) }, status: "READY" }, select: { id: true, databaseName: true } });
  const unchanged = new Set(still.map((s) => `${s.id}/${s.databaseName}`));
  const missing = absent.filter((a) => unchanged.has(`${a.id}/${a.databaseName}`));
  if (missing.length === 0) return 0;
  const named = missing
    .slice(0, 5)
    .map((m) => `“${m.name}” of ${m.companyName} (${m.databaseName})`)
    .join(", ");
  const more = missing.length > 5 ? ` and ${missing.length - 5} more` : "";
  await raiseAlertQuietly({
    key: `databases-missing:${server.name}`,
    subject: `${missing.length} Ready sandbox${missing.length === 1 ? "" : "es"} on ${server.name} (${server.address}) ha${missing.length === 1 ? "s" : "ve"} no database there`,
    detail:
      `The sandbox server ${server.name} answers at ${server.address}, but holds no database for ${named}${more}. ` +
      `Their people find nothing behind them, and deleting them would leave their copies wherever they are. ` +
      `If SANDBOX_SERVER_URL (the built-in server) or the server's URL (ops server:set --url) was changed to another server, set it back. ` +
      `If the server lost them for good, delete those sandboxes or copy them again (a refresh).`,
    link: "/operations",
  });
  return missing.length;
}
