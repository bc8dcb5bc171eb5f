"use server";
/** The operations page's server actions, every one through protectedAction. */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { protectedAction } from "../actions/safe-action";
import { retryRecentFailures } from "./retry-failures";

// Operators only (operations.view); each retry then checks sandbox.retry on its sandbox's tenant, as the sandbox page's does.
export const retryRecentFailuresAction = protectedAction({ permission: "operations.view", schema: z.object({}).strict() }, async ({ actor }) => {
  const outcome = await retryRecentFailures(actor);
  revalidatePath("/operations");
  return outcome;
});
