/**
 * Why a connection to a database server failed, in an operator's words: which part of a
 * URL to look at. Never the driver's own message, which may name hosts, paths or SQL; an
 * unknown failure gets the general advice.
 */
const BY_CODE: Record<string, string> = {
  ENOTFOUND: "its host name was not found",
  EAI_AGAIN: "its host name was not found",
  ECONNREFUSED: "nothing answers at that host and port",
  ETIMEDOUT: "the host did not answer in time",
  EHOSTUNREACH: "the host cannot be reached from here",
  ENETUNREACH: "the host cannot be reached from here",
  "28P01": "the server refused that user name or password",
  "28000": "the server refused that user name or password",
  "3D000": "the server has no database of that name",
  "53300": "the server has no connections left",
  "57P03": "the server is starting or shutting down",
};

/** A TLS failure: the server's certificate could not be checked against the URL's sslrootcert and host name. */
const TLS_CODES = /^(ERR_TLS_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|CERT_)/;

function codeOf(error: unknown): string {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === "string") return own;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause && cause !== error ? codeOf(cause) : "";
}

/** Connection-level failures: class 08, a terminated or shut-down backend, a socket that went away; Prisma's own for a server out of reach. */
const CONNECTION_CODES = new Set(["57P01", "57P02", "57P03", "53300", "ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "P1001", "P1002", "P1017"]);
/** The last one: a snapshot's exporting session died before another session could join it. */
const CONNECTION_MESSAGES = /Connection terminated|not queryable|Client was closed|connection error|invalid snapshot identifier|Can't reach database server|Server has closed the connection/i;

/** Whether `error` (or what caused it) is the connection to a database server failing, rather than a statement. */
export function isConnectionFailure(error: unknown, seen = new Set<unknown>()): boolean {
  if (error === null || typeof error !== "object" || seen.has(error)) return false;
  seen.add(error);
  const { code, originalCode, message, cause } = error as { code?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown };
  for (const c of [code, originalCode]) if (typeof c === "string" && (CONNECTION_CODES.has(c) || c.startsWith("08"))) return true;
  if (typeof message === "string" && CONNECTION_MESSAGES.test(message)) return true;
  return isConnectionFailure(cause, seen);
}

/** What to check, as the end of "Cannot connect to …: " ("check its host, port, …" when not known). */
export function connectionProblem(error: unknown): string {
  const code = codeOf(error);
  if (BY_CODE[code]) return BY_CODE[code];
  if (TLS_CODES.test(code)) return "its TLS certificate could not be checked (sslrootcert, and the host name the certificate names)";
  // pg's own words when connectionTimeoutMillis passes, with no code.
  if ((error as { message?: unknown } | null)?.message === "timeout expired") return "the host did not answer in time";
  return "check its host, port, database, user and password";
}
