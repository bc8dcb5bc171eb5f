"use server";
/** The operations page's server actions, every one through protectedAction. */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { protectedAction } from "../actions/safe-action";
import { RETRY_BATCH, retryRecentFailures } from "./retry-failures";

const retryFailuresSchema = z.object({ sandboxIds: z.array(z.string().min(1).max(64)).min(1).max(RETRY_BATCH) }).strict();

// Operators only; each retry then checks sandbox.retry on its sandbox's tenant, as the sandbox page's does.
export const retryRecentFailuresAction = protectedAction({ permission: "operations.retry", schema: retryFailuresSchema }, async ({ actor, input }) => {
  const outcome = await retryRecentFailures(actor, input.sandboxIds);
  revalidatePath("/operations");
  return outcome;
});
