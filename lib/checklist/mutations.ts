/**
 * The checklist's one-click fixes and manual ticks. Fixes write the SANDBOX
 * database only (writeSandboxDatabase checks it is this sandbox first), never
 * production; each is recorded in the audit log with who, when and what.
 */
import "server-only";
import { db } from "../db/portal";
import { assertTenantAccess } from "../auth/actor";
import type { Actor } from "../auth/policy";
import { recordAudit } from "../audit/record";
import { AppError } from "../errors";
import { sandboxScope } from "../sandboxes/queries";
import { OPT_IN_PREFERENCES } from "../sanitizer/rules/rule-11-opt-ins";
import { keptTaskIds } from "./queries";
import { FIX_LABEL, type ChecklistFix, type ChecklistTickItem } from "./schema";
import { writeSandboxDatabase, type CrmTransaction } from "./sandbox-database";

async function loadReadySandbox(actor: Actor, sandboxId: string) {
  const sandbox = await db.sandbox.findFirst({
    where: sandboxScope(actor, sandboxId),
    select: { id: true, tenantId: true, name: true, status: true, databaseName: true, sandboxCustomerId: true, options: true },
  });
  if (!sandbox) throw new AppError("NOT_FOUND");
  assertTenantAccess(actor, "checklist.fix", sandbox.tenantId);
  if (sandbox.status !== "READY" || !sandbox.databaseName) {
    throw new AppError("CONFLICT", "The checklist can be fixed only while the sandbox is ready.");
  }
  return { ...sandbox, databaseName: sandbox.databaseName };
}

type FixResult = Record<string, number>;

const FIXES: Record<ChecklistFix, (tx: CrmTransaction, keptIds: number[]) => Promise<FixResult>> = {
  async optIns(tx) {
    let created = 0;
    let updated = 0;
    for (const name of OPT_IN_PREFERENCES) {
      // A compound unique with a null associate cannot be upserted: update, else create.
      const { count } = await tx.preference.updateMany({ where: { section: "System", name, associateId: null }, data: { value: "No" } });
      updated += count;
      if (count === 0) {
        await tx.preference.create({ data: { section: "System", name, value: "No", associateId: null } });
        created++;
      }
    }
    return { updated, created };
  },
  async erpAutoSync(tx) {
    const { count } = await tx.erpConnection.updateMany({ where: { autoSync: true }, data: { autoSync: false } });
    return { turnedOff: count };
  },
  async pauseTasks(tx) {
    const { count } = await tx.scheduledTask.updateMany({ where: { enabled: true }, data: { enabled: false } });
    return { paused: count };
  },
  async resumeKeptTasks(tx, keptIds) {
    if (keptIds.length === 0) return { resumed: 0 };
    const { count } = await tx.scheduledTask.updateMany({ where: { id: { in: keptIds }, enabled: false }, data: { enabled: true } });
    return { resumed: count };
  },
  async hideAppPanels(tx) {
    const { count } = await tx.webPanel.updateMany({ where: { visible: true, createdByApp: { not: null } }, data: { visible: false } });
    return { hidden: count };
  },
};

export async function applyChecklistFix(actor: Actor, sandboxId: string, fix: ChecklistFix): Promise<FixResult> {
  const sandbox = await loadReadySandbox(actor, sandboxId);
  const changed = await writeSandboxDatabase(sandbox, (tx) => FIXES[fix](tx, keptTaskIds(sandbox.options)));
  await recordAudit({
    action: "checklist.fixed",
    actorId: actor.id,
    tenantId: sandbox.tenantId,
    targetId: sandbox.id,
    details: { name: sandbox.name, fix, what: FIX_LABEL[fix], changed, database: sandbox.databaseName },
  });
  return changed;
}

export async function setChecklistTick(actor: Actor, sandboxId: string, item: ChecklistTickItem, ticked: boolean): Promise<{ ticked: boolean }> {
  const sandbox = await db.sandbox.findFirst({ where: sandboxScope(actor, sandboxId), select: { id: true, tenantId: true, name: true } });
  if (!sandbox) throw new AppError("NOT_FOUND");
  assertTenantAccess(actor, "checklist.fix", sandbox.tenantId);
  await db.$transaction(async (tx) => {
    if (ticked) {
      await tx.checklistTick.upsert({
        where: { sandboxId_item: { sandboxId, item } },
        create: { sandboxId, item, tickedById: actor.id },
        update: { tickedById: actor.id, tickedAt: new Date() },
      });
    } else {
      await tx.checklistTick.deleteMany({ where: { sandboxId, item } });
    }
    await recordAudit({ action: "checklist.ticked", actorId: actor.id, tenantId: sandbox.tenantId, targetId: sandboxId, details: { name: sandbox.name, item, ticked } }, tx);
  });
  return { ticked };
}
