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
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid URL>";
  }
}

/** Quote an identifier for SQL (database names cannot be bound as parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
