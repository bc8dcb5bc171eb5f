/**
 * The origin a request came in on, from the headers as the portal's front left
 * them (scripts/portal-server.ts): X-Forwarded-Proto/-Host only survive from
 * trusted proxies, otherwise Next.js sets them from the socket and the Host
 * header. Null when the host is not a plain host name.
 */
export function requestOrigin(headers: Headers): string | null {
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  const host = (headers.get("x-forwarded-host") ?? headers.get("host"))?.split(",")[0]?.trim();
  if (!host || !/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host)) return null;
  return `${proto === "https" ? "https" : "http"}://${host.toLowerCase()}`;
}
