"use server";
import { revalidatePath } from "next/cache";
import { protectedAction } from "../actions/safe-action";
import { markNotificationsRead } from "./mutations";
import { markReadSchema } from "./schema";

// Every role holds sandbox.view, so every signed-in account passes; the user id in the where keeps it to their own.
export const markNotificationsReadAction = protectedAction({ permission: "sandbox.view", schema: markReadSchema }, async ({ actor, input }) => {
  const marked = await markNotificationsRead(actor.id, input.id);
  revalidatePath("/", "layout");
  return { marked };
});
