/**
 * Whether a database URL keeps its traffic private: encrypted, to a server whose
 * certificate is checked, as node-postgres reads the URL (pg-connection-string; its
 * reading differs from libpq's unless the URL says `uselibpqcompat=true`). A session
 * carries a customer's production rows, to the worker and on to a sandbox server.
 *
 * `REQUIRE_DATABASE_TLS=true` makes a gap a refusal, for production and sandbox
 * server URLs at registration and at every connection, and for `DATABASE_URL` and
 * `SANDBOX_SERVER_URL` at start-up; otherwise the operator CLI warns of it. Loopback
 * hosts and Unix sockets are exempt: their traffic never leaves the machine.
 *
 * Plain TypeScript, read from the environment on every call (the copy-limits way):
 * the worker, the CLI and the lock watchdog's thread read it without the web app.
 */

const LOCAL_HOST = /^(localhost|127(\.\d+){3}|::1)$/;

/** sslmode values node-postgres (not in libpq's reading) turns into TLS that checks the server's certificate and name. */
const CHECKED_MODES = new Set(["prefer", "require", "verify-ca", "verify-full"]);

export interface TlsGap {
  host: string;
  /** How the URL asks for TLS, in its own terms: "without sslmode", "with sslmode=no-verify (as libpq reads it)". */
  how: string;
  /** What the gap lets happen. */
  risk: "in plain text" | "to whoever answers";
}

/**
 * A URL as node-postgres reads it: its parameters with the last of a repeated one winning
 * (pg-connection-string copies them in order), and the host it connects to: a non-empty
 * `host` parameter, else the URL's own host, else PGHOST, else localhost (pg's defaults).
 * Read any other way, `?host=&…`, `?sslmode=verify-full&sslmode=disable` or `?ssl=1&ssl=0`
 * would pass the check and connect otherwise.
 */
function asTheDriverReadsIt(url: string): { host: string; params: Record<string, string> } {
  const parsed = new URL(url);
  const params = Object.fromEntries(parsed.searchParams);
  const host = params.host || decoded(parsed.hostname).replace(/^\[(.+)\]$/, "$1") || process.env.PGHOST || "localhost";
  return { host, params };
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray "%": not a folder's encoding, so the host as written
  }
}

/** A loopback host or a Unix socket's folder: its traffic never leaves the machine. */
const staysOnTheMachine = (host: string) => host.startsWith("/") || LOCAL_HOST.test(host);

/** How `url` leaves its traffic open, or null: checked TLS, a loopback host or a socket. */
export function tlsGapOf(url: string): TlsGap | null {
  const { host, params } = asTheDriverReadsIt(url);
  if (staysOnTheMachine(host)) return null;
  const mode = params.sslmode ?? null;
  const libpq = params.uselibpqcompat === "true";
  const how = `${mode ? `with sslmode=${mode}` : "without sslmode"}${libpq ? " (as libpq reads it)" : ""}`;
  const gap = (risk: TlsGap["risk"]): TlsGap => ({ host, how, risk });
  if (mode === null) {
    // Without sslmode the driver uses TLS, checking the certificate, for ssl=true or 1, or for any certificate file named.
    const tls = ["true", "1"].includes(params.ssl ?? "") || ["sslrootcert", "sslcert", "sslkey"].some((p) => p in params);
    return tls ? null : gap("in plain text");
  }
  if (mode === "disable") return gap("in plain text");
  if (mode === "no-verify") return gap("to whoever answers");
  if (libpq) {
    // libpq's prefer, and require without a root certificate, encrypt but check nobody.
    if (mode === "prefer" || (mode === "require" && !("sslrootcert" in params))) return gap("to whoever answers");
    return mode === "require" || mode === "verify-ca" || mode === "verify-full" ? null : gap("in plain text");
  }
  // An sslmode the driver does not know: not one to trust with production's rows.
  return CHECKED_MODES.has(mode) ? null : gap("in plain text");
}

/** A URL's TLS as the operator CLI's lists show it: "checked", "local", "plain text" or "unchecked", and whether it is refused. */
export function tlsShown(url: string): string {
  const gap = tlsGapOf(url);
  if (!gap) return staysOnTheMachine(asTheDriverReadsIt(url).host) ? "local" : "checked";
  const words = gap.risk === "in plain text" ? "plain text" : "unchecked";
  return tlsRequired() ? `${words}: refused` : words;
}

/** Whether the operator requires checked TLS to every database over the network (REQUIRE_DATABASE_TLS). */
function tlsRequired(): boolean {
  return process.env.REQUIRE_DATABASE_TLS === "true";
}

const HOW_TO = "use sslmode=verify-full with sslrootcert (README: TLS to every database)";

/** What the URL exposes, as words that follow its name ("reaches db.example.com without sslmode: …"); null without a gap. */
export function describeTlsGap(url: string): string | null {
  const gap = tlsGapOf(url);
  return gap && `reaches ${gap.host} ${gap.how}: its sessions travel ${gap.risk}; ${HOW_TO}`;
}

/** Why `url` is refused under REQUIRE_DATABASE_TLS, as words that follow its name; null when not required or without a gap. */
export function tlsRefusal(url: string): string | null {
  if (!tlsRequired()) return null;
  const gap = describeTlsGap(url);
  return gap && `${gap}; REQUIRE_DATABASE_TLS refuses it`;
}

/** A session REQUIRE_DATABASE_TLS refused to open; its message names the host, for operators. */
export class TlsRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TlsRefusedError";
  }
}

/** Throws TlsRefusedError when REQUIRE_DATABASE_TLS refuses a session to `url`; `what` names it ("the sandbox server's URL"). */
export function assertTlsAllowed(url: string, what = "the database URL"): void {
  const refused = tlsRefusal(url);
  if (refused) throw new TlsRefusedError(`${what} ${refused}.`);
}
