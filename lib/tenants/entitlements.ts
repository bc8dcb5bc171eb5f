/**
 * What a customer has bought: how many sandboxes it may have at once, and how
 * many user plans of each type across them (as SuperOffice and Salesforce sell
 * sandboxes). Set by operators and sales reps; a tenant with none set is
 * unlimited. A customer admin's own orders stay within them; beyond them a sales
 * rep orders, and operators' orders (the CLI's too) are never capped.
 * A sandbox counts while it is not deleted or cancelled.
 */
import { lockTenant } from "../db/tenant-lock";
import { z } from "zod";
import { db } from "../db/portal";
import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/policy";
import { AppError } from "../errors";
import { Prisma } from "../generated/portal/client";
import { PLAN_LABEL, USER_PLANS, type UserPlan } from "../sanitizer/options";
import { TenantSettingError } from "./setting-error";

export interface EntitlementUse {
  sandboxes: { entitled: number | null; used: number };
  plans: Record<UserPlan, { entitled: number | null; used: number }>;
}

/** The most of anything an agreement counts: more is a typo. */
const MAX_ENTITLED = 100_000;
const entitledPlansSchema = z.partialRecord(z.enum(USER_PLANS), z.number().int().min(0).max(MAX_ENTITLED));

type Client = Prisma.TransactionClient | typeof db;

/** What the tenant is entitled to and uses now. */
export async function entitlementUse(tenantId: string, client: Client = db): Promise<EntitlementUse> {
  const [tenant, live] = await Promise.all([
    client.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { entitledSandboxes: true, entitledPlans: true } }),
    client.sandbox.findMany({ where: { tenantId, status: { notIn: ["DELETED", "CANCELLED"] } }, select: { planCounts: true } }),
  ]);
  // Parsed again on reading: a hand-edited row fails closed (no plans) rather than open.
  const entitled = tenant.entitledPlans === null ? null : (entitledPlansSchema.safeParse(tenant.entitledPlans).data ?? {});
  const plans = Object.fromEntries(
    USER_PLANS.map((plan) => [
      plan,
      {
        entitled: entitled === null ? null : (entitled[plan] ?? 0),
        used: live.reduce((sum, s) => sum + Number((s.planCounts as Partial<Record<UserPlan, number>>)[plan] ?? 0), 0),
      },
    ]),
  ) as EntitlementUse["plans"];
  return { sandboxes: { entitled: tenant.entitledSandboxes, used: live.length }, plans };
}

/**
 * What an order (or a change of one, `replacing` the order's plans as they were)
 * would take beyond the entitlements, in plain words; empty when it fits.
 */
function beyondEntitlements(use: EntitlementUse, planCounts: Record<UserPlan, number>, replacing?: Record<UserPlan, number>): string[] {
  const problems: string[] = [];
  const { entitled, used } = use.sandboxes;
  if (!replacing && entitled !== null && used + 1 > entitled) {
    problems.push(`Your agreement covers ${entitled} ${entitled === 1 ? "sandbox" : "sandboxes"} at once, and ${used} ${used === 1 ? "is" : "are"} in use.`);
  }
  for (const plan of USER_PLANS) {
    const { entitled: limit, used: inUse } = use.plans[plan];
    const asked = planCounts[plan] ?? 0;
    const before = replacing?.[plan] ?? 0;
    // Asking for no more than the order had is always fine, even after the entitlements were lowered.
    if (limit !== null && asked > before && inUse - before + asked > limit) {
      problems.push(`${PLAN_LABEL[plan]}: ${limit} covered, ${inUse - before} in use, ${asked} asked for.`);
    }
  }
  return problems;
}

/**
 * A customer's orders still waiting for their setup, at most, whatever their agreement:
 * each holds room on a sandbox server (placement counts it), and a customer without an
 * agreement filed orders it never set up (the API takes 120 a minute) until no server
 * had room for any other customer's.
 */
const MAX_AWAITING_SETUP = 5;

/**
 * A customer's own orders in a day, at most, cancelled ones included: an order cancelled at
 * once left room for the next under MAX_AWAITING_SETUP, and each cancellation was told to
 * every other admin, in the portal and by mail, and left its row for good.
 */
const MAX_ORDERS_PER_DAY = 50;

/**
 * Refuses a customer admin's order beyond the entitlements, MAX_AWAITING_SETUP or MAX_ORDERS_PER_DAY; staff orders pass (a
 * sales rep sells beyond them, an operator is never capped). Call inside the
 * order's transaction: the tenant row is locked, so two orders cannot both take
 * the last sandbox.
 */
export async function assertWithinEntitlements(
  tx: Prisma.TransactionClient,
  actor: Pick<Actor, "role">,
  tenantId: string,
  planCounts: Record<UserPlan, number>,
  replacing?: Record<UserPlan, number>,
): Promise<void> {
  if (actor.role !== "CUSTOMER_ADMIN") return;
  await lockTenant(tx, tenantId);
  const waiting = replacing ? 0 : await tx.sandbox.count({ where: { tenantId, status: "AWAITING_SETUP" } });
  if (waiting >= MAX_AWAITING_SETUP) {
    throw new AppError("INVALID_INPUT", `${waiting} of your sandboxes are waiting for their setup (at most ${MAX_AWAITING_SETUP} at once). Set one up or delete it before ordering another.`);
  }
  const orderedToday = replacing
    ? 0
    : await tx.sandbox.count({ where: { tenantId, orderedOnBehalf: false, createdAt: { gt: new Date(Date.now() - 86_400_000) } } });
  if (orderedToday >= MAX_ORDERS_PER_DAY) {
    throw new AppError("CONFLICT", `Your organisation has ordered ${MAX_ORDERS_PER_DAY} sandboxes in the last day, cancelled ones included: the most a day allows. Order more tomorrow.`);
  }
  const problems = beyondEntitlements(await entitlementUse(tenantId, tx), planCounts, replacing);
  if (problems.length) {
    throw new AppError("INVALID_INPUT", `This order goes beyond what your agreement covers. ${problems.join(" ")} Ask your sales rep to order it for you, or order less.`, {
      planCounts: problems,
    });
  }
}

export interface Entitlements {
  sandboxes: number | null;
  plans: Partial<Record<UserPlan, number>> | null;
}

/** Sets a tenant's entitlements (null: unlimited); audited with who set what. */
export async function setEntitlements(customerId: string, entitlements: Entitlements, actorId: string | null, via: string): Promise<void> {
  // Bounded as the plans are: a larger number is a typo, and PostgreSQL's integer stops at 2^31 (a 500 with Prisma's dump).
  if (entitlements.sandboxes !== null && (!Number.isInteger(entitlements.sandboxes) || entitlements.sandboxes < 0 || entitlements.sandboxes > MAX_ENTITLED)) {
    throw new TenantSettingError(`The number of sandboxes must be a whole number from 0 to ${MAX_ENTITLED}.`);
  }
  const plans = entitlements.plans === null ? null : entitledPlansSchema.safeParse(entitlements.plans);
  if (plans && !plans.success) throw new TenantSettingError(`Plans are "<plan>=<count>" with plans ${USER_PLANS.join(", ")} and whole counts.`);
  await db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { customerId }, select: { id: true } });
    if (!tenant) throw new TenantSettingError(`No tenant has customer id ${customerId}.`);
    await tx.tenant.update({
      where: { id: tenant.id },
      data: { entitledSandboxes: entitlements.sandboxes, entitledPlans: plans ? (plans.data as Prisma.InputJsonValue) : Prisma.DbNull },
    });
    await recordAudit(
      { action: "tenant.entitlements.changed", actorId, tenantId: tenant.id, details: { via, sandboxes: entitlements.sandboxes, plans: plans ? plans.data : null } as Prisma.InputJsonValue },
      tx,
    );
  });
}
