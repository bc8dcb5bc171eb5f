import "server-only";
import { db } from "../db/portal";
import { recordAudit } from "../audit/record";
import { AppError } from "../errors";
import type { Actor } from "../auth/policy";
import type { Prisma } from "../generated/portal/client";
import { ACTIVE_RUN_STATUSES, requestRun } from "../jobs/lifecycle";
import { DEFAULT_INVALIDATION_DOMAIN, namedCompanies, type SandboxOptions } from "../sanitizer/options";
import { findUnknownProductionIds, getWizardSandbox, type WizardSandbox } from "./queries";
import { mailDomainUseInProduction } from "../tenants/production";
import { recentReadings } from "../cache/recent-readings";
import { domainRiskMessage, knownDomainRisk } from "./mail-domains";
import { needsClassification, reviewProductionSchema } from "../tenants/schema-review";
import { exceedsOrder, NO_ACCESS_REASON_MIN, type Confirmations } from "./schema";

/** The sandbox, if the actor may configure it and it still waits for its setup. */
export async function requireOpenWizard(actor: Actor, sandboxId: string): Promise<WizardSandbox> {
  const sandbox = await getWizardSandbox(actor, sandboxId);
  if (!sandbox) throw new AppError("FORBIDDEN");
  if (sandbox.confirmedAt) throw new AppError("ALREADY_CONFIRMED");
  if (sandbox.status !== "AWAITING_SETUP") throw new AppError("CONFLICT");
  return sandbox;
}

/**
 * The sandbox, if the actor may refresh it and it is ready: a copy in place and
 * no run going. The sandbox page's startRefresh checks this again under the row lock.
 */
export async function requireRefreshableSandbox(actor: Actor, sandboxId: string): Promise<WizardSandbox> {
  const sandbox = await getWizardSandbox(actor, sandboxId, "sandbox.refresh");
  if (!sandbox) throw new AppError("FORBIDDEN");
  if (sandbox.status === "REFRESHING") throw new AppError("RUN_IN_PROGRESS");
  if (sandbox.status !== "READY" || !sandbox.databaseName || sandbox.deletedAt) {
    throw new AppError("CONFLICT", "Only a ready sandbox can be refreshed.");
  }
  return sandbox;
}

/**
 * Confirm stays shut while production has schema nobody classified (rule 0): the
 * copy would stop on it. The review step shows what; this is the server's own check.
 */
export async function assertSchemaReady(tenantId: string): Promise<void> {
  const review = await reviewProductionSchema(tenantId);
  if (review.blockers.length) {
    throw new AppError("CONFLICT", `Production has problems only support can solve, so nothing was started: ${review.blockers.join(" ")}`);
  }
  const count = needsClassification(review);
  if (count) {
    throw new AppError("CONFLICT", `Production has ${count === 1 ? "1 item" : `${count} items`} nobody has classified yet. Classify ${count === 1 ? "it" : "them"} in the review step, then confirm.`);
  }
}

/**
 * Whether production's addresses use a domain: read every address production has (no index
 * serves a LIKE on their end), and asked on each step saved and each dry run, so reused for a
 * minute per tenant and domain (production read it again on each "Next"); the confirmation
 * that starts the copy asks afresh.
 */
const domainUses = recentReadings<"customer" | "production" | null>({ ttlMs: 60_000, maxKeys: 1_000 });

function domainUseInProduction(tenantId: string, domain: string, fresh: boolean): Promise<"customer" | "production" | null> {
  return fresh ? mailDomainUseInProduction(tenantId, domain) : domainUses.read(`${tenantId} ${domain}`, () => mailDomainUseInProduction(tenantId, domain));
}

/**
 * What the zod schema cannot know: the order's plan counts, and whether the ids
 * name associates and tasks of THIS tenant's production (a request may carry
 * another tenant's ids). Field errors are keyed like the action's input.
 */
export async function assertOptionsFitOrder(
  sandbox: Pick<WizardSandbox, "tenantId" | "planCounts" | "tenant">,
  options: SandboxOptions,
  final: boolean,
  confirmations: Confirmations = { realMailDomain: "", noAccessReason: "" },
): Promise<void> {
  const fieldErrors: Record<string, string[]> = {};
  const planCounts = sandbox.planCounts as Record<string, number>;
  const over = exceedsOrder(options.users, planCounts);
  if (over.length) fieldErrors["options.users"] = over;
  if (final && options.users.length === 0 && confirmations.noAccessReason.length < NO_ACCESS_REASON_MIN) {
    fieldErrors["options.users"] = ["Give at least one person access to the sandbox, or say in a few words why nobody needs it."];
  }
  const domain = options.invalidationDomain;
  if (confirmations.realMailDomain !== domain) {
    // Production is asked only about a domain that is neither the default nor a known provider.
    const risk = domain === DEFAULT_INVALIDATION_DOMAIN ? null : (knownDomainRisk(domain, []) ?? (await domainUseInProduction(sandbox.tenantId, domain, final)));
    if (risk) fieldErrors["options.invalidationDomain"] = [domainRiskMessage(domain, risk)];
  }
  const unknown = await findUnknownProductionIds(
    sandbox.tenantId,
    options.users.map((u) => u.associateId),
    options.keepEnabledTaskIds,
    namedCompanies(options),
  );
  if (unknown.associates.length) {
    (fieldErrors["options.users"] ??= []).push(`These users are not in ${sandbox.tenant.companyName}'s CRM: ${unknown.associates.join(", ")}.`);
  }
  if (unknown.tasks.length) {
    fieldErrors["options.keepEnabledTaskIds"] = [`These tasks are not in ${sandbox.tenant.companyName}'s CRM: ${unknown.tasks.join(", ")}.`];
  }
  if (unknown.companies.length) {
    fieldErrors["options.share"] = [`These companies are not in ${sandbox.tenant.companyName}'s CRM: ${unknown.companies.join(", ")}.`];
  }
  if (Object.keys(fieldErrors).length) throw new AppError("INVALID_INPUT", undefined, fieldErrors);
}

/** Drafts are work in progress, not decisions: they are not audited (the confirmation is). */
export async function saveWizardDraft(sandbox: WizardSandbox, step: number, options: SandboxOptions, confirmations: Confirmations, furthest = step): Promise<void> {
  const draft = { step, furthest: Math.max(step, furthest), options, confirmations } satisfies Prisma.InputJsonValue;
  // confirmedAt: null in the filter: a draft never overwrites a confirmed setup.
  const updated = await db.sandbox.updateMany({ where: { id: sandbox.id, confirmedAt: null }, data: { wizardDraft: draft } });
  if (updated.count === 0) throw new AppError("ALREADY_CONFIRMED");
}

/**
 * Confirms the setup and starts the copy: the confirmed options, the run and the
 * audit entry commit together or not at all. requestRun locks the sandbox row, and
 * the `confirmedAt: null` filter makes a second confirmation fail cleanly.
 */
export async function confirmWizard(
  actor: Actor,
  sandbox: WizardSandbox,
  options: SandboxOptions,
  { enqueue = true, confirmations }: { enqueue?: boolean; confirmations?: Confirmations } = {},
): Promise<{ runId: string }> {
  const json = options as unknown as Prisma.InputJsonValue;
  try {
    return await requestRun({
      sandboxId: sandbox.id,
      kind: "PROVISION",
      requestedById: actor.id,
      options: json,
      // The operator CLI carries the run out itself, in its own process.
      enqueue,
      alsoInTransaction: async (tx) => {
        // Under the sandbox's lock, against the order as it stands now: an edit of the order
        // that committed while the choices were checked (seconds of production's reads) lowered
        // its plans, and the agreement counts those.
        const current = await tx.sandbox.findUniqueOrThrow({ where: { id: sandbox.id }, select: { planCounts: true } });
        const over = exceedsOrder(options.users, current.planCounts as Record<string, number>);
        if (over.length) throw new AppError("INVALID_INPUT", undefined, { "options.users": over });
        const updated = await tx.sandbox.updateMany({
          where: { id: sandbox.id, confirmedAt: null },
          data: { options: json, confirmedAt: new Date(), wizardDraft: { step: 5, options: json } },
        });
        if (updated.count === 0) throw new AppError("ALREADY_CONFIRMED");
        await recordAudit(
          { action: "sandbox.wizard.confirmed", actorId: actor.id, tenantId: sandbox.tenantId, targetId: sandbox.id, details: { options: json, ...(confirmations ? { confirmations } : {}) } },
          tx,
        );
      },
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "RUN_IN_PROGRESS") {
      // The order's deletion, asked for meanwhile (the API deletes orders too): not a confirmation's.
      if (await db.sandboxRun.count({ where: { sandboxId: sandbox.id, kind: "DELETE", status: { in: [...ACTIVE_RUN_STATUSES] } } })) {
        throw new AppError("CONFLICT", "This order is being deleted, so its setup can no longer be confirmed.");
      }
      // Two confirmations racing: the loser finds the winner's run in progress.
      throw new AppError("ALREADY_CONFIRMED");
    }
    throw error;
  }
}
