"use server";

import { getActor } from "./actor";
import { endAllSessions } from "./sessions";

/** Ends every session of the signed-in user, on every device; the browser then signs out too. */
export async function signOutEverywhereAction(): Promise<void> {
  const actor = await getActor();
  if (actor) await endAllSessions(actor.id);
}
