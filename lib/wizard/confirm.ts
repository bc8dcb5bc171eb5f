/**
 * Confirming a sandbox's setup ("there is no going back") or a refresh with edited
 * choices, the one way for the wizard's actions and the public API: the wizard's
 * sandbox, the role and tenant, the choices against the order, production's schema
 * reviewed, then the copy starts.
 */
import { assertTenantAccess } from "../auth/actor";
import type { Actor } from "../auth/policy";
import type { SandboxOptions } from "../sanitizer/options";
import { startRefresh } from "../sandboxes/mutations";
import { assertOptionsFitOrder, assertSchemaReady, confirmWizard, requireOpenWizard, requireRefreshableSandbox } from "./mutations";
import type { confirmWizardSchema } from "./schema";
import type { z } from "zod";

type Confirmations = z.output<typeof confirmWizardSchema>["confirmations"];

export async function confirmSetup(actor: Actor, sandboxId: string, options: SandboxOptions, confirmations: Confirmations): Promise<{ sandboxId: string; runId: string }> {
  const sandbox = await requireOpenWizard(actor, sandboxId);
  assertTenantAccess(actor, "sandbox.configure", sandbox.tenantId);
  await assertOptionsFitOrder(sandbox, options, true, confirmations);
  await assertSchemaReady(sandbox.tenantId);
  const { runId } = await confirmWizard(actor, sandbox, options, { confirmations });
  return { sandboxId: sandbox.id, runId };
}

/** A refresh of a ready sandbox with edited choices: checked as the first setup's were. */
export async function refreshWithChoices(actor: Actor, sandboxId: string, options: SandboxOptions, confirmations: Confirmations): Promise<{ sandboxId: string; runId: string }> {
  const sandbox = await requireRefreshableSandbox(actor, sandboxId);
  assertTenantAccess(actor, "sandbox.refresh", sandbox.tenantId);
  await assertOptionsFitOrder(sandbox, options, true, confirmations);
  await assertSchemaReady(sandbox.tenantId);
  const { runId } = await startRefresh(actor, sandbox.id, options);
  return { sandboxId: sandbox.id, runId };
}
