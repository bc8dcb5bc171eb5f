"use server";
/** The sandbox page's server actions: thin wrappers, every one through protectedAction. */
import { revalidateSandbox } from "./revalidate";
import { protectedAction } from "../actions/safe-action";
import { autoRefreshSchema, cancelRunSchema, deleteSandboxSchema, sandboxIdSchema } from "./schema";
import { cancelRun, retryFailedRun, setAutoRefreshDay, startDelete, startRefresh } from "./mutations";

export const refreshSandboxAction = protectedAction({ permission: "sandbox.refresh", schema: sandboxIdSchema }, async ({ actor, input }) => {
  const result = await startRefresh(actor, input.sandboxId);
  revalidateSandbox(input.sandboxId);
  return result;
});

export const deleteSandboxAction = protectedAction({ permission: "sandbox.delete", schema: deleteSandboxSchema }, async ({ actor, input }) => {
  const result = await startDelete(actor, input.sandboxId, input.confirmName);
  revalidateSandbox(input.sandboxId);
  return result;
});

export const retryRunAction = protectedAction({ permission: "sandbox.retry", schema: sandboxIdSchema }, async ({ actor, input }) => {
  const result = await retryFailedRun(actor, input.sandboxId);
  revalidateSandbox(input.sandboxId);
  return result;
});

// Viewing is the gate here; the mutation checks the permission the run's kind needs.
export const cancelRunAction = protectedAction({ permission: "sandbox.view", schema: cancelRunSchema }, async ({ actor, input }) => {
  const result = await cancelRun(actor, input.sandboxId, { onlyIfQueued: input.onlyIfQueued });
  revalidateSandbox(input.sandboxId);
  return result;
});

export const setAutoRefreshAction = protectedAction({ permission: "sandbox.refresh", schema: autoRefreshSchema, writes: true }, async ({ actor, input }) => {
  const result = await setAutoRefreshDay(actor, input.sandboxId, input.day);
  revalidateSandbox(input.sandboxId);
  return result;
});
