/** The audit log: who did what to which object, when. Written in the same transaction as the change where there is one. */
import { db } from "../db/portal";
import type { Prisma } from "../generated/portal/client";
import type { AuditAction } from "./schema";

export type { AuditAction };

export interface AuditEntry {
  action: AuditAction;
  actorId: string | null;
  tenantId: string | null;
  targetId?: string;
  details?: Prisma.InputJsonValue;
}

export async function recordAudit(entry: AuditEntry, tx: Prisma.TransactionClient = db): Promise<void> {
  await tx.auditEvent.create({
    data: {
      action: entry.action,
      actorId: entry.actorId,
      tenantId: entry.tenantId,
      targetId: entry.targetId ?? null,
      details: entry.details ?? undefined,
    },
  });
}
