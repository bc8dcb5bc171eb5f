/** The audit log as people read it: newest first, tenant-scoped for customers, filterable by action, paginated. */
import "server-only";
import { db } from "../db/portal";
import { isStaff, type Actor } from "../auth/policy";
import type { Prisma } from "../generated/portal/client";
import type { AuditAction } from "./record";

export const AUDIT_PAGE_SIZE = 25;

/** Words for the actions people filter by: every action has them (older keys in the log show as they are). */
export const AUDIT_ACTION_LABEL: Record<AuditAction, string> = {
  "sandbox.ordered": "Sandbox ordered",
  "sandbox.order.edited": "Order changed",
  "sandbox.order.cancelled": "Order cancelled",
  "sandbox.wizard.confirmed": "Wizard confirmed",
  "sandbox.refresh.requested": "Refresh started",
  "sandbox.retry.requested": "Run retried",
  "sandbox.delete.requested": "Deletion requested",
  "sandbox.autoRefresh.changed": "Regular refresh changed",
  "checklist.fixed": "Checklist fix applied",
  "checklist.ticked": "Checklist item ticked",
  "tenant.copyRate.changed": "Copy rate changed",
  "tenant.classification.changed": "Classification changed",
  "tenant.entitlements.changed": "Entitlements changed",
};

export const auditActionLabel = (action: string): string => AUDIT_ACTION_LABEL[action as AuditAction] ?? action;

export async function listAuditEvents(actor: Actor, filter: { action?: string; page: number }) {
  // Customers see their own tenant only; a customer without a tenant sees nothing.
  const where: Prisma.AuditEventWhereInput = {
    ...(isStaff(actor) ? {} : { tenantId: actor.tenantId ?? "__none__" }),
    ...(filter.action ? { action: filter.action } : {}),
  };
  const [total, events] = await Promise.all([
    db.auditEvent.count({ where }),
    db.auditEvent.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (Math.max(1, filter.page) - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
      select: {
        id: true,
        action: true,
        targetId: true,
        details: true,
        createdAt: true,
        actor: { select: { name: true, email: true } },
        tenant: { select: { companyName: true, customerId: true } },
      },
    }),
  ]);
  return { events, total, pageCount: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)) };
}

/** The actions present in the actor's scope, for the filter list. */
export async function listAuditActions(actor: Actor): Promise<string[]> {
  const rows = await db.auditEvent.findMany({
    where: isStaff(actor) ? {} : { tenantId: actor.tenantId ?? "__none__" },
    distinct: ["action"],
    select: { action: true },
    orderBy: { action: "asc" },
  });
  return [...new Set([...Object.keys(AUDIT_ACTION_LABEL), ...rows.map((r) => r.action)])].sort();
}
