/**
 * What a production URL may carry: where, who, TLS and connection settings. The driver
 * (pg) lets any other parameter of a URL override the session's settings (`options`,
 * `statement_timeout=0`, `client_encoding`, ...), the read-only session's and its bounds
 * included (read-only.ts). Plain: the tenant form checks it too.
 */
import { describeTlsGap, tlsRefusal } from "../db/tls-policy";

/** What a production URL may say besides host, port, database, user and password: TLS, how to connect, and a socket's folder. */
export const URL_PARAMETERS: ReadonlySet<string> = new Set([
  ...["sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "ssl", "uselibpqcompat", "channel_binding"],
  ...["host", "connect_timeout", "target_session_attrs", "keepalives", "keepalives_idle"],
]);
/** Parameters that only name the session: dropped, since the copy names its own sessions (snapshot.ts). */
const SESSION_NAMES = ["application_name", "fallback_application_name"];

/** The parameters of a (parseable) production URL that would override the session's settings. */
export function refusedUrlParameters(url: string): string[] {
  return [...new Set(new URL(url).searchParams.keys())].filter((name) => !URL_PARAMETERS.has(name) && !SESSION_NAMES.includes(name));
}

/**
 * Why the production URL cannot be used, or null: parameters that would override the
 * session's settings, or (REQUIRE_DATABASE_TLS) traffic that is not checked TLS.
 */
export function productionUrlProblem(url: string): string | null {
  if (!URL.canParse(url)) return "is not a URL";
  const others = refusedUrlParameters(url);
  if (others.length) return `may carry only TLS and connection settings (${[...URL_PARAMETERS].join(", ")}) as parameters, not ${others.join(", ")}: they would override the read-only session's settings`;
  return tlsRefusal(url);
}

/** The URL without the parameters that only name a session (the portal names its own). */
export function withoutSessionNames(url: string): string {
  const parsed = new URL(url);
  if (!SESSION_NAMES.some((name) => parsed.searchParams.has(name))) return url;
  for (const name of SESSION_NAMES) parsed.searchParams.delete(name);
  return parsed.toString();
}

/** A warning when the URL reaches a host over the network without checking its certificate (the driver then connects in plain text, or trusts anyone); null otherwise. */
export function productionTlsWarning(url: string): string | null {
  const gap = describeTlsGap(url);
  return gap && `the production URL ${gap}`;
}
