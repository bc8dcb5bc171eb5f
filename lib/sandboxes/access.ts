/**
 * Who has access to a sandbox, kept in step with its copies. After a copy
 * succeeds, the people chosen in the wizard hold open grants (their production
 * name and address, and the username the copy holds for them, as of that copy); people left out of a refresh's
 * choices have their grant ended; a deleted sandbox ends every grant. The
 * changes come back so that each person can be told.
 *
 * Plain TypeScript over the portal database (the worker calls it after a run).
 */
import { z } from "zod";
import { db } from "../db/portal";
import type { RunKind } from "../generated/portal/enums";
import type { Prisma } from "../generated/portal/client";
import { sandboxOptionsSchema, type UserPlan } from "../sanitizer/options";
import { listAssociateContacts, orNullWhenUnavailable, type AssociateContact } from "../tenants/production";

/** granted: new access; renewed: kept through a refresh; ended: left out of a refresh; deleted: the sandbox is gone. */
export type AccessEvent = "granted" | "renewed" | "ended" | "deleted";

const accessChangeSchema = z.object({
  associateId: z.number().int(),
  username: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  userPlan: z.string(),
  event: z.enum(["granted", "renewed", "ended", "deleted"]),
});

export type AccessChange = z.infer<typeof accessChangeSchema>;

interface FinishedRun {
  id: string;
  kind: RunKind;
  options: unknown;
  /** Its sanitization report: the usernames the copy holds for the people given access (report.ts signInNames). */
  report?: unknown;
  sandbox: { id: string; tenantId: string };
}

const signInNamesSchema = z.object({ signInNames: z.array(z.object({ id: z.number().int(), username: z.string() })) });

/** Associate id → the username the copy holds; empty for a report from before they were kept. */
function signInNamesOf(report: unknown): Map<number, string> {
  const parsed = signInNamesSchema.safeParse(report);
  return new Map(parsed.success ? parsed.data.signInNames.map((n) => [n.id, n.username]) : []);
}

type Tx = Prisma.TransactionClient;

/**
 * Brings the grants in line with a run that succeeded, and says what changed for whom.
 *
 * Once per run: the changes are kept on the run (SandboxRun.accessChanges) in the transaction
 * that makes them, and a second call returns them as they were. A worker that died after this
 * and before telling anyone left grants that already look open; the follow-up done again
 * (lib/worker/run-finished.ts) must still tell a person given access "you have access", not
 * "refreshed", and tell those a refresh left out that their access ended.
 */
export async function recordAccessAfterRun(run: FinishedRun): Promise<AccessChange[]> {
  const recorded = await db.sandboxRun.findUnique({ where: { id: run.id }, select: { accessChanges: true } });
  if (recorded?.accessChanges != null) return changesOf(recorded.accessChanges);
  if (run.kind === "DELETE") return onceForRun(run.id, (tx) => endAllAccess(tx, run.sandbox.id));
  const parsed = sandboxOptionsSchema.safeParse(run.options);
  if (!parsed.success) return [];
  return grantAccess(run, parsed.data.users, signInNamesOf(run.report));
}

/** Stored by this module only; a row that does not parse (edited by hand) tells nobody rather than the wrong thing. */
function changesOf(stored: Prisma.JsonValue): AccessChange[] {
  const parsed = z.array(accessChangeSchema).safeParse(stored);
  return parsed.success ? parsed.data : [];
}

/**
 * `change` in a transaction that holds the run's row, unless another attempt at the same
 * follow-up (a sweep beside a slow worker) recorded its changes first: then those.
 */
async function onceForRun(runId: string, change: (tx: Tx) => Promise<AccessChange[]>): Promise<AccessChange[]> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ accessChanges: Prisma.JsonValue }[]>`SELECT "accessChanges" FROM "SandboxRun" WHERE id = ${runId} FOR UPDATE`;
    if (row?.accessChanges != null) return changesOf(row.accessChanges);
    const changes = await change(tx);
    await tx.sandboxRun.update({ where: { id: runId }, data: { accessChanges: changes as unknown as Prisma.InputJsonValue } });
    return changes;
  });
}

async function grantAccess(run: FinishedRun, users: { associateId: number; userPlan: UserPlan }[], signInNames: ReadonlyMap<number, string>): Promise<AccessChange[]> {
  const { sandbox } = run;
  // Production may be down right after the copy: the grants are still recorded, with what was known before.
  const contacts = await orNullWhenUnavailable(listAssociateContacts(sandbox.tenantId, users.map((u) => u.associateId)));
  const byId = new Map((contacts ?? []).map((c) => [c.id, c] satisfies [number, AssociateContact]));
  const now = new Date();
  return onceForRun(run.id, async (tx) => {
    // A follow-up done late (its worker died; the sweep's) may come after the sandbox's deletion,
    // which ended every grant and told its people: it opens none again. Read under the row's lock,
    // which the deletion's end takes too: grants written first are ended by the deletion's follow-up.
    const [current] = await tx.$queryRaw<{ deleted: boolean }[]>`SELECT "deletedAt" IS NOT NULL AS deleted FROM "Sandbox" WHERE id = ${sandbox.id} FOR SHARE`;
    if (!current || current.deleted) return [];
    const open = await tx.sandboxAccess.findMany({ where: { sandboxId: sandbox.id, endedAt: null } });
    const openById = new Map(open.map((g) => [g.associateId, g]));
    const changes: AccessChange[] = [];
    for (const user of users) {
      const before = openById.get(user.associateId);
      const contact = byId.get(user.associateId);
      const person = {
        // The one they sign in to this copy with: a pseudonymised copy's is made up (rule 18).
        username: signInNames.get(user.associateId) ?? contact?.username ?? before?.username ?? `#${user.associateId}`,
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

async function endAllAccess(tx: Tx, sandboxId: string): Promise<AccessChange[]> {
  const open = await tx.sandboxAccess.findMany({ where: { sandboxId, endedAt: null } });
  await tx.sandboxAccess.updateMany({ where: { sandboxId, endedAt: null }, data: { endedAt: new Date() } });
  return open.map((g) => ({ ...pick(g), event: "deleted" as const }));
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
