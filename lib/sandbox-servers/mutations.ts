/**
 * Operators' changes to the pool: registering a server and changing its name,
 * capacity or state. Each is audited in the same transaction, by the server's name
 * and what changed, never its URL. Plain TypeScript: the staff page's actions and
 * the CLI share it (the CLI has no actor: `via` says where it came from).
 */
import { recordAudit } from "../audit/record";
import { db } from "../db/portal";
import type { Prisma } from "../generated/portal/client";
import { assertUsableServer, registerServer, SandboxServerError, type NewServer } from "./registry";
import type { Capacity, ServerState } from "./schema";

type Via = "portal" | "operator CLI";

/** Capacities as JSON for the audit log (bytes as a number: JSON has no bigint). */
const capacityDetails = (c: Capacity) => ({
  maxDatabases: c.maxDatabases,
  maxTotalBytes: c.maxTotalBytes === null ? null : Number(c.maxTotalBytes),
  maxConcurrentRuns: c.maxConcurrentRuns,
});

/** The role is checked before the transaction opens: a slow server never holds a transaction open. */
export async function addServer(server: NewServer, actorId: string | null, via: Via): Promise<{ id: string; name: string }> {
  await assertUsableServer(server.url);
  return db.$transaction(async (tx) => {
    const created = await registerServer(server, tx);
    await recordAudit(
      { action: "sandboxServer.registered", actorId, tenantId: null, targetId: created.id, details: { via, name: created.name, ...capacityDetails(server) } },
      tx,
    );
    return created;
  });
}

export interface ServerChanges extends Partial<Capacity> {
  name?: string;
  state?: ServerState;
}

/** Changes a server (found by id or name); the row lock makes it wait for placements that counted it. */
export async function changeServer(idOrName: string, changes: ServerChanges, actorId: string | null, via: Via): Promise<{ name: string }> {
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
      return { name: after.name };
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new SandboxServerError(`A sandbox server named "${changes.name}" already exists.`);
    throw error;
  }
}
