"use server";

import { revalidateSandbox } from "../sandboxes/revalidate";
import { protectedAction } from "../actions/safe-action";
import { assertTenantAccess } from "../auth/actor";
import type { Actor } from "../auth/policy";
import { classifyFromReview, reviewProductionSchema } from "../tenants/schema-review";
import { classifyInput, schemaReviewInput } from "./classify-input";
import { assertOptionsFitOrder, requireOpenWizard, requireRefreshableSandbox, saveWizardDraft } from "./mutations";
import { getDryRun } from "./queries";
import { confirmSetup, refreshWithChoices } from "./confirm";
import { confirmRefreshSchema, confirmWizardSchema, dryRunSchema, saveDraftSchema, type WizardMode } from "./schema";

/** Saves the wizard's choices so far; "Next" and "Save and leave" call it. */
export const saveWizardDraftAction = protectedAction({ permission: "sandbox.configure", schema: saveDraftSchema }, async ({ actor, input }) => {
  const sandbox = await requireOpenWizard(actor, input.sandboxId);
  assertTenantAccess(actor, "sandbox.configure", sandbox.tenantId);
  await assertOptionsFitOrder(sandbox, input.options, false, input.confirmations);
  await saveWizardDraft(sandbox, input.step, input.options, input.confirmations, input.furthest);
  revalidateSandbox(sandbox.id);
  return { saved: true };
});

/** The review step's dry run: counted on production, read-only; nothing is saved. */
export const dryRunAction = protectedAction({ permission: "sandbox.configure", schema: dryRunSchema }, async ({ actor, input }) => {
  const sandbox = await requireOpenWizard(actor, input.sandboxId);
  assertTenantAccess(actor, "sandbox.configure", sandbox.tenantId);
  await assertOptionsFitOrder(sandbox, input.options, false, input.confirmations);
  return getDryRun(sandbox.tenantId, input.options, sandbox.id);
});

/** "There is no going back": stores the confirmed options and starts the copy. */
export const confirmWizardAction = protectedAction({ permission: "sandbox.configure", schema: confirmWizardSchema }, async ({ actor, input }) => {
  const confirmed = await confirmSetup(actor, input.sandboxId, input.options, input.confirmations);
  revalidateSandbox(confirmed.sandboxId);
  return confirmed;
});

/** The sandbox behind a wizard in either mode, with that mode's permission and state checks. */
async function requireWizardSandbox(actor: Actor, sandboxId: string, mode: WizardMode) {
  const sandbox = mode === "refresh" ? await requireRefreshableSandbox(actor, sandboxId) : await requireOpenWizard(actor, sandboxId);
  assertTenantAccess(actor, mode === "refresh" ? "sandbox.refresh" : "sandbox.configure", sandbox.tenantId);
  return sandbox;
}

/**
 * The review step's drift check: the same as the copy's, on production, read-only.
 * Lists what nobody has classified, with the treatments each can take.
 */
export const schemaReviewAction = protectedAction({ permission: "sandbox.view", schema: schemaReviewInput }, async ({ actor, input }) => {
  const sandbox = await requireWizardSandbox(actor, input.sandboxId, input.mode);
  return reviewProductionSchema(sandbox.tenantId);
});

/** A customer admin classifies what the review listed, for every sandbox of the tenant; audited. */
export const classifySchemaAction = protectedAction({ permission: "sandbox.view", schema: classifyInput }, async ({ actor, input }) => {
  const sandbox = await requireWizardSandbox(actor, input.sandboxId, input.mode);
  return classifyFromReview(actor.id, sandbox.tenantId, input.choices);
});

/*
 * Refresh mode: the same steps and checks on a ready sandbox. Nothing is saved
 * as a draft (the first-time setup's wizardDraft stays as it was); the edited
 * choices travel with the run, and the worker stores them when it succeeds.
 */

/** Refresh mode's dry run: the same count, for a sandbox the actor may refresh. */
export const dryRunRefreshAction = protectedAction({ permission: "sandbox.refresh", schema: dryRunSchema }, async ({ actor, input }) => {
  const sandbox = await requireRefreshableSandbox(actor, input.sandboxId);
  assertTenantAccess(actor, "sandbox.refresh", sandbox.tenantId);
  await assertOptionsFitOrder(sandbox, input.options, false, input.confirmations);
  return getDryRun(sandbox.tenantId, input.options, sandbox.id);
});

/** Starts a refresh with the edited choices; a run already going is refused (RUN_IN_PROGRESS). */
export const confirmRefreshAction = protectedAction({ permission: "sandbox.refresh", schema: confirmRefreshSchema }, async ({ actor, input }) => {
  const started = await refreshWithChoices(actor, input.sandboxId, input.options, input.confirmations);
  revalidateSandbox(started.sandboxId);
  return started;
});
