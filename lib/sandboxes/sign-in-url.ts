/**
 * Where people sign in to a sandbox: the operator's template with the sandbox's
 * own customer key filled in (SANDBOX_SIGN_IN_URL_TEMPLATE). Isomorphic: the
 * environment check and the server share it.
 */
import { z } from "zod";

export const SIGN_IN_PLACEHOLDER = "{sandboxCustomerId}";
export const DEFAULT_SIGN_IN_URL_TEMPLATE = `https://sod.superoffice.com/${SIGN_IN_PLACEHOLDER}`;

/** The address for one sandbox key; the key is URL-encoded, so a strange key cannot change the host or path. */
export function fillSignInUrl(template: string, sandboxCustomerId: string): string {
  return template.replaceAll(SIGN_IN_PLACEHOLDER, encodeURIComponent(sandboxCustomerId));
}

export const signInUrlTemplateSchema = z
  .string()
  .refine((t) => t.includes(SIGN_IN_PLACEHOLDER), { error: `must contain ${SIGN_IN_PLACEHOLDER}` })
  .refine((t) => /^https?:$/.test(URL.parse(fillSignInUrl(t, "Cust90001"))?.protocol ?? ""), {
    error: `must be an http(s) address, e.g. ${DEFAULT_SIGN_IN_URL_TEMPLATE}`,
  });

/** A sandbox can be signed in to while it has a verified copy: when ready, and while a refresh builds the next one. */
export function hasUsableCopy(sandbox: { status: string; databaseName: string | null }): boolean {
  return (sandbox.status === "READY" || sandbox.status === "REFRESHING") && sandbox.databaseName !== null;
}
