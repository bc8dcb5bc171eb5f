/**
 * The JSON refusals of the portal's own route handlers (signed in by the session cookie, or by
 * METRICS_TOKEN): `{"error": CODE, ...}` with its status, and never kept by a cache. Such an
 * answer depends on who asks: kept by a browser or a shared cache, a 401 or 404 stood in for
 * the answer a person signed in again, or given access, should get. The public API's problems
 * are no-store too (lib/api/problem.ts).
 */
const STATUS = { INVALID_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404 } as const;

export type RouteRefusal = keyof typeof STATUS;

export function routeRefusal(code: RouteRefusal, extra: { body?: Record<string, unknown>; headers?: Record<string, string> } = {}): Response {
  return Response.json({ error: code, ...extra.body }, { status: STATUS[code], headers: { "Cache-Control": "no-store", ...extra.headers } });
}
