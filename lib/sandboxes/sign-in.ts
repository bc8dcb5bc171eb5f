/** A sandbox's sign-in address, from the configured template. Plain TypeScript: the worker's e-mails use it too. */
import { env } from "../config/env";
import { fillSignInUrl } from "../config/sign-in-url-template";

/** Null while the sandbox has no key yet (only orders from before keys existed lack one). */
export function sandboxSignInUrl(sandboxCustomerId: string | null): string | null {
  return sandboxCustomerId ? fillSignInUrl(env().SANDBOX_SIGN_IN_URL_TEMPLATE, sandboxCustomerId) : null;
}

/**
 * A sandbox can be signed in to (and its checklist read) while it has a verified copy: when
 * ready, and while a refresh builds the next one; not once a deletion is under way (shown
 * as DELETING), which drops the database before the sandbox is marked deleted.
 */
export function hasUsableCopy(sandbox: { status: string; databaseName: string | null; shown?: string }): boolean {
  return (sandbox.status === "READY" || sandbox.status === "REFRESHING") && sandbox.databaseName !== null && sandbox.shown !== "DELETING";
}
