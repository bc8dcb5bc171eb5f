"use server";

import { revalidatePath } from "next/cache";
import { protectedAction } from "../actions/safe-action";
import { AppError } from "../errors";
import { setEntitlements } from "./entitlements";
import { entitlementsFormSchema, entitlementsFromForm } from "./schema";
import { TenantSettingError } from "./setting-error";

/** Sales reps and operators set what a customer's agreement covers; audited. */
export const setEntitlementsAction = protectedAction({ permission: "tenant.entitle", schema: entitlementsFormSchema }, async ({ actor, input }) => {
  try {
    await setEntitlements(input.customerId, entitlementsFromForm(input), actor.id, "portal");
  } catch (error) {
    if (error instanceof TenantSettingError) throw new AppError("INVALID_INPUT", error.message);
    throw error;
  }
  revalidatePath("/tenants");
  return { saved: true };
});
