"use server";
/** The checklist's server actions: thin wrappers through protectedAction. */
import { revalidatePath } from "next/cache";
import { protectedAction } from "../actions/safe-action";
import { applyChecklistFix, setChecklistTick } from "./mutations";
import { fixChecklistSchema, tickChecklistSchema } from "./schema";

export const fixChecklistItemAction = protectedAction({ permission: "checklist.fix", schema: fixChecklistSchema, writes: true }, async ({ actor, input }) => {
  const changed = await applyChecklistFix(actor, input.sandboxId, input.fix);
  revalidatePath(`/sandboxes/${input.sandboxId}`);
  return changed;
});

export const tickChecklistItemAction = protectedAction({ permission: "checklist.fix", schema: tickChecklistSchema, writes: true }, async ({ actor, input }) => {
  const result = await setChecklistTick(actor, input.sandboxId, input.item, input.ticked);
  revalidatePath(`/sandboxes/${input.sandboxId}`);
  return result;
});
