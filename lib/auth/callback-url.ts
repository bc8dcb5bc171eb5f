/**
 * Where sign-in may send the browser afterwards. Only a path on the portal's own
 * origin is kept: its path, query and fragment, never a scheme or host, so the
 * browser resolves it against the origin it is already on (a portal opened on
 * another host name keeps its cookie). Everything else falls back to "/".
 */
const HOME_PATH = "/";

/**
 * The safe, same-origin path of `raw`, or "/". `origins` are the origins an
 * absolute target may name (the request's own and NEXTAUTH_URL's); a relative
 * target is resolved against the first. `raw` is whatever the address held: a
 * query naming it twice gives the page a list, which is no one target.
 */
export function safeCallbackPath(raw: unknown, origins: readonly string[]): string {
  const base = origins[0];
  if (typeof raw !== "string" || !raw || !base) return HOME_PATH;
  // Browsers drop tabs and newlines and read "\" as "/" when they resolve a
  // URL: "/\evil.example" and "/\t/evil.example" both mean "//evil.example".
  // Such spellings are refused rather than repaired.
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return HOME_PATH;
  // A path from the root or an absolute web address; nothing the browser would resolve against the current page.
  if (!raw.startsWith("/") && !/^https?:\/\//i.test(raw)) return HOME_PATH;
  let target: URL;
  try {
    target = new URL(raw, base);
  } catch {
    return HOME_PATH;
  }
  if (!origins.some((origin) => sameOrigin(origin, target))) return HOME_PATH;
  const path = `${target.pathname}${target.search}${target.hash}`;
  // A path that starts with "//" would be read as another host ("/.//evil.example" normalizes to it).
  if (!path.startsWith("/") || path.startsWith("//")) return HOME_PATH;
  return path;
}

function sameOrigin(origin: string, target: URL): boolean {
  try {
    return new URL(origin).origin === target.origin && target.username === "" && target.password === "";
  } catch {
    return false;
  }
}
