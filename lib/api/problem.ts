/**
 * The public API's errors as problem details (RFC 9457): `application/problem+json`
 * with a stable `code` customers' pipelines can branch on, and words a person can
 * read. Never a driver message, host, path or SQL (those go to the log).
 */
export const API_PROBLEMS = {
  unauthenticated: { status: 401, title: "A valid API token is required." },
  forbidden: { status: 403, title: "This token may not do that." },
  not_found: { status: 404, title: "No such object, or it is not yours." },
  method_not_allowed: { status: 405, title: "This path does not take that method." },
  invalid_input: { status: 422, title: "Some fields need attention." },
  conflict: { status: 409, title: "That conflicts with the current state." },
  run_in_progress: { status: 409, title: "A run is already in progress for this sandbox." },
  production_unavailable: { status: 503, title: "The production database cannot answer right now." },
  production_refused: { status: 422, title: "The production database holds something the portal cannot copy or read." },
  no_capacity: { status: 503, title: "No sandbox server has room right now." },
  payload_too_large: { status: 413, title: "The request body is too large." },
  rate_limited: { status: 429, title: "Too many requests for this token." },
  internal: { status: 500, title: "Something went wrong on our side." },
} as const;

export type ApiProblemCode = keyof typeof API_PROBLEMS;

export function problem(code: ApiProblemCode, extra: { detail?: string; errors?: Record<string, string[]>; headers?: Record<string, string> } = {}): Response {
  const { status, title } = API_PROBLEMS[code];
  const body = { type: `urn:sandbox-portal:problem:${code}`, title, status, code, ...(extra.detail ? { detail: extra.detail } : {}), ...(extra.errors ? { errors: extra.errors } : {}) };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...(code === "unauthenticated" ? { "WWW-Authenticate": 'Bearer realm="api"' } : {}), ...extra.headers },
  });
}

/** A thrown problem, for code deep inside a handler; `apiRoute` turns it into the response. */
export class ApiProblem extends Error {
  constructor(readonly response: Response) {
    super("api problem");
  }
}
