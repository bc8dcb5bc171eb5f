/**
 * What a production URL may carry: where, who, and TLS settings. The driver (pg) lets
 * any other parameter of a URL override the session's settings (`options`,
 * `statement_timeout=0`, ...), the read-only session's and its bounds included
 * (read-only.ts). Plain: the tenant form checks it too.
 */
/** What a production URL may say besides host, port, database, user and password: TLS, and a socket's folder. */
const URL_PARAMETERS = new Set(["sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "uselibpqcompat", "host"]);

/** Why the production URL cannot be used (parameters that would override the session's settings), or null. */
export function productionUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL";
  }
  const others = [...new Set(parsed.searchParams.keys())].filter((name) => !URL_PARAMETERS.has(name));
  return others.length === 0 ? null : `may carry only TLS settings (${[...URL_PARAMETERS].join(", ")}) as parameters, not ${others.join(", ")}: they would override the read-only session's settings`;
}
