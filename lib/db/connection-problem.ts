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

/** What to check, as the end of "Cannot connect to …: " ("check its host, port, …" when not known). */
export function connectionProblem(error: unknown): string {
  const code = codeOf(error);
  if (BY_CODE[code]) return BY_CODE[code];
  if (TLS_CODES.test(code)) return "its TLS certificate could not be checked (sslrootcert, and the host name the certificate names)";
  // pg's own words when connectionTimeoutMillis passes, with no code.
  if ((error as { message?: unknown } | null)?.message === "timeout expired") return "the host did not answer in time";
  return "check its host, port, database, user and password";
}
