/**
 * Operators' changes to the pool: registering a server and changing its name,
 * capacity or state. Each is audited in the same transaction, by the server's name
 * and what changed, never its URL. Plain TypeScript: the staff page's actions and
 * the CLI share it (the CLI has no actor: `via` says where it came from).
 */
import { recordAudit } from "../audit/record";
import { db } from "../db/portal";
import type { Prisma } from "../generated/portal/client";
import { longSignInCaution } from "./sign-in-bound";
import { assertUsableServer, BUILT_IN_SERVER_ID, registerServer, SandboxServerError, serverUrl, type NewServer } from "./registry";
import { sealSecret } from "../secrets/secret-box";
import { serverNameOf } from "../db/urls";
import { databasesNamed } from "../sanitizer/drop";
import { COPY_DATABASE_PREFIX } from "../jobs/lifecycle";
import type { Capacity, ServerState } from "./schema";

export type Via = "portal" | "operator CLI";

/** Capacities as JSON for the audit log (bytes as a number: JSON has no bigint). */
const capacityDetails = (c: Capacity) => ({
  maxDatabases: c.maxDatabases,
  maxTotalBytes: c.maxTotalBytes === null ? null : Number(c.maxTotalBytes),
  maxConcurrentRuns: c.maxConcurrentRuns,
});

/**
 * The role is checked before the transaction opens: a slow server never holds a transaction open.
 * `caution`: what the operator should set on the server, though it is registered (sign-in-bound.ts).
 */
export async function addServer(server: NewServer, actorId: string | null, via: Via): Promise<{ id: string; name: string; caution: string | null }> {
  await assertUsableServer(server.url);
  const caution = await longSignInCaution(server.url);
  const created = await db.$transaction(async (tx) => {
    const created = await registerServer(server, tx);
    await recordAudit(
      { action: "sandboxServer.registered", actorId, tenantId: null, targetId: created.id, details: { via, name: created.name, ...capacityDetails(server) } },
      tx,
    );
    return created;
  });
  return { ...created, caution };
}

export interface ServerChanges extends Partial<Capacity> {
  name?: string;
  state?: ServerState;
}

/** Changes a server (found by id or name); the row lock makes it wait for placements that counted it. `changed`: false when it already was so (nothing audited). */
export async function changeServer(idOrName: string, changes: ServerChanges, actorId: string | null, via: Via): Promise<{ name: string; changed: boolean }> {
  try {
    return await db.$transaction(async (tx) => {
      const before = await tx.sandboxServer.findFirst({
        where: { OR: [{ id: idOrName }, { name: idOrName }] },
        select: { id: true, name: true, state: true, maxDatabases: true, maxTotalBytes: true, maxConcurrentRuns: true },
      });
      if (!before) throw new SandboxServerError(`No sandbox server is named ${idOrName}.`);
      const after = await tx.sandboxServer.update({
        where: { id: before.id },
        data: changes,
        select: { name: true, state: true, maxDatabases: true, maxTotalBytes: true, maxConcurrentRuns: true },
      });
      const summary = (s: typeof after) => ({ name: s.name, state: s.state, ...capacityDetails(s) });
      // Drained twice, or set to what it holds: no event says a change that was none.
      if (JSON.stringify(summary(before)) === JSON.stringify(summary(after))) return { name: after.name, changed: false };
      await recordAudit(
        {
          action: "sandboxServer.changed",
          actorId,
          tenantId: null,
          targetId: before.id,
          details: { via, name: after.name, from: summary(before), to: summary(after) } as Prisma.InputJsonValue,
        },
        tx,
      );
      return { name: after.name, changed: true };
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new SandboxServerError(`A sandbox server named "${changes.name}" already exists.`);
    throw error;
  }
}

/** The sandboxes (not deleted) that live on the server: placed there, or placed nowhere yet and pinned there by their tenant. */
const sandboxesOn = (serverId: string) => ({ deletedAt: null, OR: [{ sandboxServerId: serverId }, { sandboxServerId: null, tenant: { sandboxServerId: serverId } }] });

/** The database names of the sandboxes living on the server: what must exist behind any URL it is given, or be gone for it to be lost (write-off.ts). */
export async function sandboxDatabasesOn(serverId: string): Promise<string[]> {
  const sandboxes = await db.sandbox.findMany({ where: { ...sandboxesOn(serverId), databaseName: { not: null } }, select: { databaseName: true } });
  return sandboxes.map((s) => s.databaseName!);
}

/** A server of the pool by id or name; the built-in one (SANDBOX_SERVER_URL) is the environment's, and refused. */
export async function findRegistered(idOrName: string): Promise<{ id: string; name: string; urlEncrypted: string }> {
  const server = await db.sandboxServer.findFirst({ where: { OR: [{ id: idOrName }, { name: idOrName }] }, select: { id: true, name: true, urlEncrypted: true } });
  if (!server) throw new SandboxServerError(`No sandbox server is named ${idOrName}.`);
  if (server.id === BUILT_IN_SERVER_ID || server.urlEncrypted === null) {
    throw new SandboxServerError("The built-in sandbox server is SANDBOX_SERVER_URL: it changes in the environment, and cannot be removed.");
  }
  return { ...server, urlEncrypted: server.urlEncrypted };
}

/**
 * Points a registered server at a new URL: a rotated password, a moved host or port. The URL
 * must pass the role's checks (assertUsableServer) and reach the server the sandboxes are on:
 * every database of a sandbox living there must exist behind it. Pointed elsewhere, those
 * sandboxes would open nothing, and their deletions would "succeed" (DROP … IF EXISTS) while
 * the real databases stayed behind, unseen.
 */
export async function changeServerUrl(idOrName: string, url: string, actorId: string | null, via: Via): Promise<{ name: string }> {
  const server = await findRegistered(idOrName);
  await assertUsableServer(url);
  const expected = await sandboxDatabasesOn(server.id);
  if (expected.length > 0) {
    const there = new Set(await databasesNamed(url, COPY_DATABASE_PREFIX));
    const missing = expected.filter((name) => !there.has(name));
    if (missing.length > 0) {
      throw new SandboxServerError(
        `${serverNameOf(url)} does not hold ${missing.length} of the ${expected.length} sandbox databases on ${server.name} (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}): it is another server. Moving sandboxes between servers is no change of URL.`,
      );
    }
  }
  return db.$transaction(async (tx) => {
    await tx.sandboxServer.update({ where: { id: server.id }, data: { urlEncrypted: sealSecret(url) } });
    await recordAudit(
      { action: "sandboxServer.moved", actorId, tenantId: null, targetId: server.id, details: { via, name: server.name, from: serverNameOf(serverUrl(server)), to: serverNameOf(url) } },
      tx,
    );
    return { name: server.name };
  });
}

/**
 * Removes a retired server from the pool: only once no sandbox lives on it, no tenant is
 * pinned to it and no run copies into it. Deleted sandboxes that lived there forget it (their
 * history stays). Its alerts stop: a server retired for good was otherwise said to be down
 * every day, for ever.
 */
export async function removeServer(idOrName: string, actorId: string | null, via: Via): Promise<{ name: string }> {
  const server = await findRegistered(idOrName);
  return db.$transaction(async (tx) => {
    // The row locked: a placement that counted the server waits, then finds it gone.
    await tx.$queryRaw`SELECT id FROM "SandboxServer" WHERE id = ${server.id} FOR UPDATE`;
    const living = await tx.sandbox.count({ where: sandboxesOn(server.id) });
    if (living > 0) throw new SandboxServerError(`${living} sandbox${living === 1 ? "" : "es"} still live${living === 1 ? "s" : ""} on ${server.name}: delete them first.`);
    const pinned = await tx.tenant.findMany({ where: { sandboxServerId: server.id }, select: { customerId: true } });
    if (pinned.length > 0) throw new SandboxServerError(`Customers are pinned to ${server.name} (${pinned.map((t) => t.customerId).join(", ")}): pin them elsewhere first.`);
    const copying = await tx.sandboxRun.count({ where: { sandboxServer: server.id, status: { in: ["QUEUED", "RUNNING"] } } });
    if (copying > 0) throw new SandboxServerError(`Runs still copy into ${server.name}: wait for them to end.`);
    await tx.sandbox.updateMany({ where: { sandboxServerId: server.id }, data: { sandboxServerId: null } });
    await tx.sandboxServer.delete({ where: { id: server.id } });
    await recordAudit({ action: "sandboxServer.removed", actorId, tenantId: null, targetId: server.id, details: { via, name: server.name, address: serverNameOf(serverUrl(server)) } }, tx);
    return { name: server.name };
  });
}

