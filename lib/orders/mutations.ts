import "server-only";
import { lockTenant } from "../db/tenant-lock";
import { db } from "../db/portal";
import { newSandboxCustomerId } from "../sandboxes/customer-key";
import { recordAudit } from "../audit/record";
import { AppError } from "../errors";
import type { Actor } from "../auth/policy";
import { assertWithinEntitlements } from "../tenants/entitlements";
import { PlacementRefused, placeSandbox } from "../sandbox-servers/placement";
import { raiseAlertQuietly } from "../alerts/raise";
import { isSandboxNameTaken, sandboxNameTaken } from "./queries";
import type { PlanCounts } from "./schema";
import type { SandboxKind } from "../sanitizer/options";

export interface NewOrder {
  tenantId: string;
  name: string;
  kind: SandboxKind;
  planCounts: PlanCounts;
  note: string;
  onBehalf: boolean;
  /** Where the order came from when not the portal's form, for the audit log. */
  via?: "operator CLI";
}

/**
 * Files an order: the sandbox row waiting for its setup, placed on a sandbox server
 * (lib/sandbox-servers/placement.ts), and the audit entry, in one transaction. A
 * pool with no room refuses the order and alerts operators. Two orders racing for one name or one generated key are settled
 * by the unique indexes: the name loser gets the field error, a key clash retries.
 */
export async function createOrder(actor: Actor, order: NewOrder): Promise<{ sandboxId: string }> {
  if (await isSandboxNameTaken(order.tenantId, order.name)) throw sandboxNameTaken();
  for (let attempt = 0; ; attempt++) {
    const sandboxCustomerId = await newSandboxCustomerId();
    try {
      const sandbox = await db.$transaction(async (tx) => {
        // Locked: an offboarding (lib/tenants/offboard.ts) either comes first and refuses this, or waits and cancels it.
        if ((await lockTenant(tx, order.tenantId))?.offboarded) throw new AppError("CONFLICT", "This customer has left the portal: no sandbox can be ordered for it.");
        // The operator CLI files as whoever it names, and operators are never capped.
        if (order.via !== "operator CLI") await assertWithinEntitlements(tx, actor, order.tenantId, order.planCounts);
        // Again under the customer's lock: the index cannot tell "Café" from "CAFÉ" (isSandboxNameTaken).
        if (await isSandboxNameTaken(order.tenantId, order.name, tx)) throw sandboxNameTaken();
        const sandboxServerId = await placeSandbox(tx, order.tenantId);
        const created = await tx.sandbox.create({
          data: {
            tenantId: order.tenantId,
            name: order.name,
            orderedKind: order.kind,
            planCounts: order.planCounts,
            note: order.note || null,
            orderedById: actor.id,
            orderedOnBehalf: order.onBehalf,
            status: "AWAITING_SETUP",
            sandboxCustomerId,
            sandboxServerId,
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
              kind: order.kind,
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
      if (error instanceof PlacementRefused) {
        // The person whose order is refused waits for the alert's notices, not for its mails to every operator.
        await raiseAlertQuietly(error.alert, { mailsInBackground: true });
        throw new AppError("NO_CAPACITY", error.userMessage);
      }
      if ((error as { code?: string }).code !== "P2002") throw error;
      if (await isSandboxNameTaken(order.tenantId, order.name)) throw sandboxNameTaken();
      if (attempt >= 3) throw error;
    }
  }
}
