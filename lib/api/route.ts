/**
 * Every /api/v1 handler goes through `apiRoute`: it authenticates the bearer
 * token (lib/api-tokens/authenticate.ts), checks the scope, and turns what the
 * shared services throw into problem details. Unexpected errors are logged and
 * answered with a plain 500: no driver message, host, path or SQL reaches the caller.
 * Each is timed into the HTTP histogram by its operation's path pattern and its status.
 */
import { authenticateApiRequest, requireScope, type ApiCaller } from "../api-tokens/authenticate";
import type { ApiScope } from "../api-tokens/scopes";
import { AppError, type ErrorCode } from "../errors";
import { isPlainId } from "../http/plain-id";
import { log } from "../observability/log";
import { timed } from "../observability/metrics";
import { locationOf } from "./location";
import { API_OPERATIONS } from "./openapi";
import { ApiProblem, problem, type ApiProblemCode } from "./problem";

/** Every code the shared services throw has its problem (a new code does not typecheck until it has one). */
const FROM_APP_ERROR: Record<ErrorCode, ApiProblemCode> = {
  UNAUTHENTICATED: "unauthenticated",
  // The token has the scope, so this is another tenant's object, or a role the owner lacks for it: 404,
  // because whether another tenant's object exists is not the caller's to learn.
  FORBIDDEN: "not_found",
  NOT_FOUND: "not_found",
  INVALID_INPUT: "invalid_input",
  CONFLICT: "conflict",
  RUN_IN_PROGRESS: "run_in_progress",
  ALREADY_CONFIRMED: "conflict",
  PRODUCTION_UNREACHABLE: "production_unavailable",
  PRODUCTION_BUSY: "production_unavailable",
  PRODUCTION_REFUSED: "production_refused",
  NO_CAPACITY: "no_capacity",
  TOO_MANY_ATTEMPTS: "rate_limited",
  INTERNAL: "internal",
};

/**
 * Seconds a 503 asks a client to wait (Retry-After), where the portal knows a sensible wait: a busy
 * production's lock or long query passes within a minute (its words say so); one out of reach is
 * an outage, worth a few minutes' wait. A full pool has none: room comes back when a sandbox is
 * deleted or an operator adds a server, which nothing here can foresee.
 */
export const RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = { PRODUCTION_BUSY: 60, PRODUCTION_UNREACHABLE: 300 };

/**
 * Whether every id in the path could be one of the portal's (a cuid): anything else is no
 * object of anyone's. Answered here, as 404, before a database is asked: PostgreSQL refuses a
 * NUL in a text value, which would otherwise end as a 500.
 */
function pathIdsArePlain(params: unknown): boolean {
  return Object.values(params ?? {}).every(isPlainId);
}

/** The operations' paths as patterns: a route's label is its pattern, never its ids, so the metric's series stay few. */
const OPERATION_PATTERNS = API_OPERATIONS.map((op) => ({
  method: op.method.toUpperCase(),
  label: `${op.method.toUpperCase()} /api/v1${op.path}`,
  pattern: new RegExp(`^/api/v1${op.path.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
}));

/** "GET /api/v1/sandboxes/{id}/progress" for any sandbox; one label for whatever is no operation. */
export function apiRouteLabel(request: Request): string {
  const method = request.method.toUpperCase();
  const path = new URL(request.url).pathname;
  return OPERATION_PATTERNS.find((op) => op.method === method && op.pattern.test(path))?.label ?? "other /api/v1";
}

export function apiRoute<Params>(scope: ApiScope, handler: (caller: ApiCaller, request: Request, params: Params) => Promise<Response>) {
  return (request: Request, context: { params: Promise<Params> }): Promise<Response> =>
    timed(apiRouteLabel(request), () => answer(scope, handler, request, context), (response) => String(response.status));
}

async function answer<Params>(
  scope: ApiScope,
  handler: (caller: ApiCaller, request: Request, params: Params) => Promise<Response>,
  request: Request,
  context: { params: Promise<Params> },
): Promise<Response> {
  try {
    const caller = await authenticateApiRequest(request);
    requireScope(caller, scope);
    const params = await context.params;
    if (!pathIdsArePlain(params)) return problem("not_found");
    return await handler(caller, await withBoundedBody(request), params);
  } catch (error) {
    if (error instanceof ApiProblem) return error.response;
    if (error instanceof AppError) {
      const code = FROM_APP_ERROR[error.code];
      const retryAfter = RETRY_AFTER_SECONDS[error.code];
      const headers = retryAfter === undefined ? undefined : { "Retry-After": String(retryAfter) };
      return code === "internal" ? problem(code) : problem(code, { detail: error.userMessage, errors: error.fieldErrors, headers });
    }
    log.error(error, "api request failed");
    return problem("internal");
  }
}

/**
 * The most an API request's body may hold. The largest a client needs is a setup
 * naming 250 users and 1,000 companies, about 25 KB. Without a bound, one token could
 * send megabytes whose validation held the server's one thread for seconds, and
 * whose answer (an error per item) exhausted its memory, for every tenant.
 */
const MAX_BODY_BYTES = 64 * 1024;

/** `request` with its body read, refused with 413 as soon as it is known to exceed MAX_BODY_BYTES. */
async function withBoundedBody(request: Request): Promise<Request> {
  if (request.body === null) return request;
  const tooLarge = () => new ApiProblem(problem("payload_too_large", { detail: `A request body may hold at most ${MAX_BODY_BYTES / 1024} KB.` }));
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  // Read as it arrives, not trusting the length declared (a chunked body declares none).
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  return new Request(request.url, { method: request.method, headers: request.headers, body: Buffer.concat(chunks), signal: request.signal });
}

/** JSON that no cache keeps; a 201 or 202 with its Location (location.ts). */
export function apiJson(body: unknown, status = 200): Response {
  const location = locationOf(status, body);
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...(location ? { Location: location } : {}) } });
}

/** The methods a route may answer besides HEAD and OPTIONS, which Next.js answers from these. */
const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof ROUTE_METHODS)[number];

/**
 * What a route answers for the methods its path does not take, exported under those
 * methods' names: 405 as problem details, with `Allow` naming the methods the path takes
 * (the OpenAPI document's operations, so the two cannot differ). Next.js's own answer to a
 * method a route leaves out is a bare 405 with no Allow: a client learns nothing from it.
 * OPTIONS answers 204 with the same Allow; each route file exports it with the refusals.
 */
export function methodsNotAllowed(path: string): Record<RouteMethod | "OPTIONS", () => Response> {
  const taken = API_OPERATIONS.filter((op) => op.path === path).map((op) => op.method.toUpperCase());
  if (taken.length === 0) throw new Error(`no API operation at ${path}`);
  const allow = [...taken, ...(taken.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const refused = () => problem("method_not_allowed", { detail: `${path} takes ${taken.join(" and ")}.`, headers: { Allow: allow } });
  // Next.js's own OPTIONS names every method the route file exports, these refusals too: it said a path took what it refuses.
  const options = () => new Response(null, { status: 204, headers: { Allow: allow, "Cache-Control": "no-store" } });
  return { ...(Object.fromEntries(ROUTE_METHODS.map((method) => [method, refused])) as Record<RouteMethod, () => Response>), OPTIONS: options };
}
