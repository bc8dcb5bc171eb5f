/**
 * Sandboxes' sizes, measured again on their servers. A sandbox's size was measured
 * once, at its swap; its people then write to it (documents imported, test data
 * made), and the server's room (lib/sandbox-servers/room.ts) and placement went on
 * counting the size it had when it was made: a server whose disk was filling still
 * took new sandboxes and copies, until the disk was full for every customer on it.
 * One listing per server that holds sandboxes, every 10 minutes, once for the fleet (a
 * job scheduled on the queue, which one worker takes: each worker measuring every server
 * on its own multiplied the listings by the workers); a server that does not answer keeps
 * its last sizes (its own alert says so) and the others go on. The same listing shows
 * Ready sandboxes whose database is not on their server (missing-databases.ts).
 */
import type PgBoss from "pg-boss";
import { db } from "../db/portal";
import { SIZES_QUEUE } from "../jobs/queue";
import { COPY_DATABASE_PREFIX } from "../jobs/lifecycle";
import { databaseSizesNamed } from "../sanitizer/drop";
import { placedServerId, serverAddress, serverUrl } from "../sandbox-servers/registry";
import { alertMissingDatabases, readyCopiesOn } from "./missing-databases";
import { log } from "../observability/log";

/** Schedules the measuring every 10 minutes (upserted by name: any number of workers may) and takes its jobs. */
export async function registerSizeMeasuring(boss: PgBoss): Promise<string> {
  await boss.schedule(SIZES_QUEUE, "*/10 * * * *", {}, { tz: "UTC" });
  return boss.work(SIZES_QUEUE, async () => void (await measureSandboxSizes()));
}

/** Updates the recorded size of every sandbox with a database (not deleted or cancelled) from its server; returns how many changed. */
export async function measureSandboxSizes(): Promise<number> {
  const sandboxes = await db.sandbox.findMany({
    where: { databaseName: { not: null }, status: { notIn: ["DELETED", "CANCELLED"] } },
    select: { sandboxServerId: true, tenant: { select: { sandboxServerId: true } } },
    distinct: ["sandboxServerId", "tenantId"],
  });
  const serverIds = [...new Set(sandboxes.map(placedServerId))];
  const servers = await db.sandboxServer.findMany({ where: { id: { in: serverIds } }, select: { id: true, name: true, urlEncrypted: true } });
  let measured = 0;
  for (const server of servers) {
    const recorded = await readyCopiesOn(server.id);
    const sizes = await databaseSizesNamed(serverUrl(server), COPY_DATABASE_PREFIX).catch((error: unknown) => {
      log.warn({ code: (error as { code?: string }).code, serverId: server.id }, "sandbox sizes not measured: the server did not answer");
      return null;
    });
    if (!sizes) continue;
    // The same listing tells whether the server holds what the portal says it does (missing-databases.ts).
    await alertMissingDatabases({ name: server.name, address: serverAddress(server) }, recorded, new Set(sizes.keys()));
    if (sizes.size === 0) continue;
    // The database's name is the sandbox's on this server alone: a name is one run's copy (runDatabaseName).
    measured += await db.$executeRaw`
      UPDATE "Sandbox" s SET "sizeBytes" = v.size
        FROM unnest(${[...sizes.keys()]}::text[], ${[...sizes.values()].map(String)}::bigint[]) AS v(name, size)
       WHERE s."databaseName" = v.name AND s.status NOT IN ('DELETED', 'CANCELLED') AND s."sizeBytes" IS DISTINCT FROM v.size`;
  }
  return measured;
}
