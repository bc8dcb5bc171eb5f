/** POST /api/v1/sandboxes/{id}/cancel: cancels the sandbox's run, or stops its copy under way; 200 with the run (scope sandboxes:write, Idempotency-Key honoured). */
import { idempotent } from "@/lib/api/idempotency";
import { apiJson, apiRoute, methodsNotAllowed } from "@/lib/api/route";
import { cancelSandboxRun } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>("sandboxes:write", (caller, request, { id }) =>
  idempotent(caller, request, async () => apiJson(await cancelSandboxRun(caller.actor, id), 200)),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("/sandboxes/{id}/cancel");
