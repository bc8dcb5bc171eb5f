/** A sandbox's sign-in address, from the configured template. Plain TypeScript: the worker's e-mails use it too. */
import { env } from "../config/env";
import { fillSignInUrl } from "../config/sign-in-url-template";

/** Null while the sandbox has no key yet (only orders from before keys existed lack one). */
export function sandboxSignInUrl(sandboxCustomerId: string | null): string | null {
  return sandboxCustomerId ? fillSignInUrl(env().SANDBOX_SIGN_IN_URL_TEMPLATE, sandboxCustomerId) : null;
}

/**
 * A sandbox can be signed in to (and its checklist read) while it has a verified copy: when
 * ready, and while a refresh builds the next one; not once a deletion is under way, which
 * drops the database before the sandbox is marked deleted. `latestRun`: its newest run, where known.
 */
export function hasUsableCopy(sandbox: { status: string; databaseName: string | null }, latestRun?: { kind: string; status: string } | null): boolean {
  const deleting = latestRun?.kind === "DELETE" && (latestRun.status === "QUEUED" || latestRun.status === "RUNNING");
  return (sandbox.status === "READY" || sandbox.status === "REFRESHING") && sandbox.databaseName !== null && !deleting;
}
