/**
 * The path the browser asked for. proxy.ts writes it into a request header on
 * every request (overwriting anything the client sent), because server
 * components cannot see the URL; requireActor reads it to send a signed-out
 * visitor to sign-in and back.
 */
export const REQUESTED_PATH_HEADER = "x-portal-requested-path";

/** The sign-in page, asked to return to `path` afterwards (the sign-in page checks it again). */
export function signInPathFor(path: string | null): string {
  if (!path || path === "/" || path.startsWith("/sign-in")) return "/sign-in";
  return `/sign-in?${new URLSearchParams({ callbackUrl: path })}`;
}
