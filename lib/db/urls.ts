/** Connection-URL helpers shared by the launcher, the worker, tests and the tenant registry. */

/** The same server as `url`, pointed at database `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** The database name a URL points at (empty when it names none). */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/**
 * host:port of a server URL: a server's name without its credentials (operators
 * see it; runs per sandbox server are counted by it). Two names for one server
 * (an address and a host name) count as two.
 */
export function serverNameOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname.toLowerCase()}:${u.port || "5432"}`;
}

/** A URL safe to print: the password is replaced. Secrets never reach logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    // A password written unencoded with a "/" after digits ("reader:2024/pw@host") reads as a port and a path:
    // the URL has no password, and its path holds the rest of it. Masked up to the last "@", as its user part.
    if (!u.password && /@/.test(u.pathname + u.search + u.hash)) {
      const masked = url.replace(/^(postgres(?:ql)?:\/\/[^:@/?#]*:)\d{1,5}\/[^@]*@/i, "$1***@");
      if (masked !== url) return masked;
    }
    if (u.password) u.password = "***";
    // The driver takes a password from the query too (postgres://reader@host/db?password=…).
    for (const secret of ["password", "sslpassword"]) if (u.searchParams.has(secret)) u.searchParams.set(secret, "***");
    return u.toString();
  } catch {
    return "<invalid URL>";
  }
}

// Up to the next URL's scheme too: two written together (`…/crm,postgres://…`, a list) were read as one,
// and the second's password stayed.
const CONNECTION_URL = /postgres(?:ql)?:\/\/(?:(?!postgres(?:ql)?:\/\/)[^\s'"])+/gi;
/**
 * A password written unencoded with a space or a quote in it: free text's URL ends there,
 * and the rest of the password (up to the `@` before the host) would stay. From the user
 * part's colon to that `@` is masked; on the same line only.
 */
const SPLIT_PASSWORD = /(postgres(?:ql)?:\/\/[^\s:@/'"]*:)[^\s@/'"]*[\s'"][^\n@]*@/gi;
/** `password=…` in a key/value connection string (libpq's other spelling). */
const PASSWORD_SETTING = /\bpassword\s*=\s*(?:'[^']*'|[^\s'"]+)/gi;

/**
 * Free text (an error message, a stack, a log line) with the password of every
 * connection URL and every `password=` setting in it masked: drivers and tools put
 * the URL they were given into their messages.
 */
export function withoutPasswords(text: string): string {
  return text
    .replace(SPLIT_PASSWORD, "$1***@")
    .replace(CONNECTION_URL, (url) => redactUrl(url))
    .replace(PASSWORD_SETTING, "password=***");
}

/** Quote an identifier for SQL (database names cannot be bound as parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
