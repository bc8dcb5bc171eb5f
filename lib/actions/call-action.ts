/**
 * A server action called from the browser, whose call itself may fail: the network
 * drops, or a deploy has replaced the action ("Server Action not found"). The action's
 * own failures come back as results (safe-action.ts); this turns a failed call into one
 * too, so a form's pending state always clears, what the user entered stays, and they
 * are told what happened instead of watching a button say "Saving…" for ever.
 */
import type { ActionResult } from "./safe-action";

export const PORTAL_UNREACHABLE =
  "The portal could not be reached (the connection, or a new version of the portal), so nothing was done. Try again in a moment; if it keeps failing, reload the page.";

export async function callAction<T>(call: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await call();
  } catch {
    return { ok: false, code: "INTERNAL", message: PORTAL_UNREACHABLE };
  }
}
