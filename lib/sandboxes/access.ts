/**
 * Who has access to a sandbox, kept in step with its copies. After a copy
 * succeeds, the people chosen in the wizard hold open grants (their production
 * name, username and address as of that copy); people left out of a refresh's
 * choices have their grant ended; a deleted sandbox ends every grant. The
 * changes come back so that each person can be told.
 *
 * Plain TypeScript over the portal database (the worker calls it after a run).
 */
import { db } from "../db/portal";
import type { RunKind } from "../generated/portal/enums";
import { sandboxOptionsSchema, type UserPlan } from "../sanitizer/options";
import { listAssociateContacts, orNullWhenUnavailable, type AssociateContact } from "../tenants/production";

/** granted: new access; renewed: kept through a refresh; ended: left out of a refresh; deleted: the sandbox is gone. */
export type AccessEvent = "granted" | "renewed" | "ended" | "deleted";

export interface AccessChange {
  associateId: number;
  username: string;
  fullName: string;
  email: string | null;
  userPlan: string;
  event: AccessEvent;
}

interface FinishedRun {
  kind: RunKind;
  options: unknown;
  sandbox: { id: string; tenantId: string };
}

/** Brings the grants in line with a run that succeeded, and says what changed for whom. */
export async function recordAccessAfterRun(run: FinishedRun): Promise<AccessChange[]> {
  if (run.kind === "DELETE") return endAllAccess(run.sandbox.id);
  const parsed = sandboxOptionsSchema.safeParse(run.options);
  if (!parsed.success) return [];
  return grantAccess(run.sandbox, parsed.data.users);
}

async function grantAccess(sandbox: FinishedRun["sandbox"], users: { associateId: number; userPlan: UserPlan }[]): Promise<AccessChange[]> {
  // Production may be down right after the copy: the grants are still recorded, with what was known before.
  const contacts = await orNullWhenUnavailable(listAssociateContacts(sandbox.tenantId, users.map((u) => u.associateId)));
  const byId = new Map((contacts ?? []).map((c) => [c.id, c] satisfies [number, AssociateContact]));
  const now = new Date();
  return db.$transaction(async (tx) => {
    const open = await tx.sandboxAccess.findMany({ where: { sandboxId: sandbox.id, endedAt: null } });
    const openById = new Map(open.map((g) => [g.associateId, g]));
    const changes: AccessChange[] = [];
    for (const user of users) {
      const before = openById.get(user.associateId);
      const contact = byId.get(user.associateId);
      const person = {
        username: contact?.username ?? before?.username ?? `#${user.associateId}`,
        fullName: contact?.fullName ?? before?.fullName ?? `User ${user.associateId}`,
        email: contact ? contact.email : (before?.email ?? null),
        userPlan: user.userPlan,
      };
      await tx.sandboxAccess.upsert({
        where: { sandboxId_associateId: { sandboxId: sandbox.id, associateId: user.associateId } },
        create: { sandboxId: sandbox.id, associateId: user.associateId, ...person, grantedAt: now },
        update: { ...person, endedAt: null, ...(before ? {} : { grantedAt: now }) },
      });
      changes.push({ associateId: user.associateId, ...person, event: before ? "renewed" : "granted" });
    }
    const kept = new Set(users.map((u) => u.associateId));
    const ended = open.filter((g) => !kept.has(g.associateId));
    if (ended.length) {
      await tx.sandboxAccess.updateMany({ where: { sandboxId: sandbox.id, associateId: { in: ended.map((g) => g.associateId) } }, data: { endedAt: now } });
    }
    return [...changes, ...ended.map((g) => ({ ...pick(g), event: "ended" as const }))];
  });
}

async function endAllAccess(sandboxId: string): Promise<AccessChange[]> {
  return db.$transaction(async (tx) => {
    const open = await tx.sandboxAccess.findMany({ where: { sandboxId, endedAt: null } });
    await tx.sandboxAccess.updateMany({ where: { sandboxId, endedAt: null }, data: { endedAt: new Date() } });
    return open.map((g) => ({ ...pick(g), event: "deleted" as const }));
  });
}

const pick = (g: { associateId: number; username: string; fullName: string; email: string | null; userPlan: string }) => ({
  associateId: g.associateId,
  username: g.username,
  fullName: g.fullName,
  email: g.email,
  userPlan: g.userPlan,
});

/** Open grants of a sandbox, for its page: who may sign in, on which plan. */
export function listOpenAccess(sandboxId: string) {
  return db.sandboxAccess.findMany({
    where: { sandboxId, endedAt: null },
    orderBy: { fullName: "asc" },
    select: { associateId: true, fullName: true, username: true, userPlan: true },
  });
}
