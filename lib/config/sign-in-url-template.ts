/**
 * The operator's template for where people sign in to a sandbox
 * (SANDBOX_SIGN_IN_URL_TEMPLATE), with the sandbox's own customer key filled in.
 * Configuration's own vocabulary: the environment check validates it, and the
 * sandbox domain fills it (lib/sandboxes/sign-in.ts).
 */
import { z } from "zod";

const SIGN_IN_PLACEHOLDER = "{sandboxCustomerId}";
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
