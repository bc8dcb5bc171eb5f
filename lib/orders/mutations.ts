import "server-only";
import { db } from "../db/portal";
import { newSandboxCustomerId } from "../sandboxes/customer-key";
import { recordAudit } from "../audit/record";
import { AppError } from "../errors";
import type { Actor } from "../auth/policy";
import { notifyUsers, tenantAdminIds } from "../notifications/notify";
import { assertWithinEntitlements } from "../tenants/entitlements";
import { isSandboxNameTaken } from "./queries";
import type { PlanCounts } from "./schema";
import { log } from "../observability/log";

export interface NewOrder {
  tenantId: string;
  name: string;
  planCounts: PlanCounts;
  note: string;
  onBehalf: boolean;
  /** Where the order came from when not the portal's form, for the audit log. */
  via?: "operator CLI";
}

const nameTaken = () =>
  new AppError("INVALID_INPUT", "Some fields need your attention.", {
    name: ["A sandbox with this name already exists for this customer. Choose another name."],
  });

/**
 * Files an order: the sandbox row waiting for its setup, and the audit entry, in
 * one transaction. Two orders racing for one name or one generated key are settled
 * by the unique indexes: the name loser gets the field error, a key clash retries.
 */
export async function createOrder(actor: Actor, order: NewOrder): Promise<{ sandboxId: string }> {
  if (await isSandboxNameTaken(order.tenantId, order.name)) throw nameTaken();
  for (let attempt = 0; ; attempt++) {
    const sandboxCustomerId = await newSandboxCustomerId();
    try {
      const sandbox = await db.$transaction(async (tx) => {
        // The operator CLI files as whoever it names, and operators are never capped.
        if (order.via !== "operator CLI") await assertWithinEntitlements(tx, actor, order.tenantId, order.planCounts);
        const created = await tx.sandbox.create({
          data: {
            tenantId: order.tenantId,
            name: order.name,
            planCounts: order.planCounts,
            note: order.note || null,
            orderedById: actor.id,
            orderedOnBehalf: order.onBehalf,
            status: "AWAITING_SETUP",
            sandboxCustomerId,
          },
          select: { id: true },
        });
        await recordAudit(
          {
            action: "sandbox.ordered",
            actorId: actor.id,
            tenantId: order.tenantId,
            targetId: created.id,
            details: {
              name: order.name,
              planCounts: order.planCounts,
              onBehalf: order.onBehalf,
              sandboxCustomerId,
              acknowledged: ["dead-end", "not-a-backup"],
              ...(order.via ? { via: order.via } : {}),
            },
          },
          tx,
        );
        return created;
      });
      return { sandboxId: sandbox.id };
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
      if (await isSandboxNameTaken(order.tenantId, order.name)) throw nameTaken();
      if (attempt >= 3) throw error;
    }
  }
}

/** Tells the tenant's admins that an order waits for their setup (portal + e-mail). Best effort: the order stands either way. */
export async function notifyOrderFiled(sandboxId: string, tenantId: string, name: string, byName: string): Promise<void> {
  try {
    await notifyUsers(await tenantAdminIds(tenantId), {
      subject: `Sandbox "${name}" waits for your setup`,
      text: `${byName} ordered the sandbox "${name}" for you. Choose who gets access and how the copy is prepared in the setup wizard; the copy starts when you confirm.`,
      link: `/sandboxes/${sandboxId}/setup`,
    });
  } catch (error) {
    log.error(error, "order notification failed");
  }
}
