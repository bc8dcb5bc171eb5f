/** A sandbox's sign-in address, from the configured template. Plain TypeScript: the worker's e-mails use it too. */
import { env } from "../config/env";
import { fillSignInUrl } from "./sign-in-url";

/** Null while the sandbox has no key yet (only orders from before keys existed lack one). */
export function sandboxSignInUrl(sandboxCustomerId: string | null): string | null {
  return sandboxCustomerId ? fillSignInUrl(env().SANDBOX_SIGN_IN_URL_TEMPLATE, sandboxCustomerId) : null;
}
