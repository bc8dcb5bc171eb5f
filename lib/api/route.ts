/**
 * Every /api/v1 handler goes through `apiRoute`: it authenticates the bearer
 * token (lib/api-tokens/authenticate.ts), checks the scope, and turns what the
 * shared services throw into problem details. Unexpected errors are logged and
 * answered with a plain 500: no driver message, host, path or SQL reaches the caller.
 */
import { authenticateApiRequest, requireScope, type ApiCaller } from "../api-tokens/authenticate";
import type { ApiScope } from "../api-tokens/scopes";
import { AppError, type ErrorCode } from "../errors";
import { log } from "../observability/log";
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
  INTERNAL: "internal",
};

export function apiRoute<Params>(scope: ApiScope, handler: (caller: ApiCaller, request: Request, params: Params) => Promise<Response>) {
  return async (request: Request, context: { params: Promise<Params> }): Promise<Response> => {
    try {
      const caller = await authenticateApiRequest(request);
      requireScope(caller, scope);
      return await handler(caller, request, await context.params);
    } catch (error) {
      if (error instanceof ApiProblem) return error.response;
      if (error instanceof AppError) {
        const code = FROM_APP_ERROR[error.code];
        return code === "internal" ? problem(code) : problem(code, { detail: error.userMessage, errors: error.fieldErrors });
      }
      log.error(error, "api request failed");
      return problem("internal");
    }
  };
}

/** JSON that no cache keeps. */
export const apiJson = (body: unknown, status = 200): Response => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
