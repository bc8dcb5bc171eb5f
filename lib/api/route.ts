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

const FROM_APP_ERROR: Partial<Record<ErrorCode, ApiProblemCode>> = {
  UNAUTHENTICATED: "unauthenticated",
  FORBIDDEN: "not_found", // another tenant's object is 404: whether it exists is not the caller's to learn
  NOT_FOUND: "not_found",
  INVALID_INPUT: "invalid_input",
  CONFLICT: "conflict",
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
        const code = FROM_APP_ERROR[error.code] ?? "internal";
        return problem(code, { detail: error.userMessage, errors: error.fieldErrors });
      }
      log.error(error, "api request failed");
      return problem("internal");
    }
  };
}

/** JSON that no cache keeps. */
export const apiJson = (body: unknown, status = 200): Response => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
