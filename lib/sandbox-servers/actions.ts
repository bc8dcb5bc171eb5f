"use server";

import { revalidatePath } from "next/cache";
import { protectedAction } from "../actions/safe-action";
import { AppError } from "../errors";
import { addServer, changeServer } from "./mutations";
import { SandboxServerError } from "./registry";
import { capacityFromForm, newServerFormSchema, serverSettingsFormSchema } from "./schema";
import { intakeWords, listServerUse } from "./use";

const SERVERS_PAGE = "/operations/servers";

/** An operator's mistake (a name taken, a role that can do too much, a server that does not answer), in the portal's words. */
async function asFieldProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SandboxServerError) throw new AppError("INVALID_INPUT", error.portalMessage);
    throw error;
  }
}

/** Operators register a sandbox server; its role is checked first, its URL sealed, the registration audited. */
export const addServerAction = protectedAction({ permission: "servers.manage", schema: newServerFormSchema }, async ({ actor, input }) => {
  const server = await asFieldProblem(() => addServer({ name: input.name, url: input.url, ...capacityFromForm(input) }, actor.id, "portal"));
  revalidatePath(SERVERS_PAGE);
  return { name: server.name, caution: server.caution };
});

/** Operators rename a server, change its capacity, or drain it (and back); audited. */
export const changeServerAction = protectedAction({ permission: "servers.manage", schema: serverSettingsFormSchema }, async ({ actor, input }) => {
  const changes = { name: input.name, state: input.draining ? ("DRAINING" as const) : ("ACTIVE" as const), ...capacityFromForm(input) };
  const server = await asFieldProblem(() => changeServer(input.id, changes, actor.id, "portal"));
  revalidatePath(SERVERS_PAGE);
  revalidatePath("/operations");
  // What the new limits mean now: limits below what the server holds already make it full at once.
  const [use] = await listServerUse(undefined, [input.id]);
  return { name: server.name, intake: use ? intakeWords(use) : "" };
});
