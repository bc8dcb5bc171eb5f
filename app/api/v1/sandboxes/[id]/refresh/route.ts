/** POST /api/v1/sandboxes/{id}/refresh: a refresh with the saved choices or, with a body, changed ones; 202 with the run (scope sandboxes:write, Idempotency-Key honoured). */
import { idempotent } from "@/lib/api/idempotency";
import { apiJson, apiRoute, methodsNotAllowed } from "@/lib/api/route";
import { refreshSandbox } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>("sandboxes:write", (caller, request, { id }) =>
  idempotent(caller, request, async () => apiJson(await refreshSandbox(caller.actor, id, request), 202)),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("/sandboxes/{id}/refresh");
