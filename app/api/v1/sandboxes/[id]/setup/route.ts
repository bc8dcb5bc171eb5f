/** POST /api/v1/sandboxes/{id}/setup: the wizard's choices, confirmed; the copy starts; 202 (scope sandboxes:write, Idempotency-Key honoured). */
import { idempotent } from "@/lib/api/idempotency";
import { apiJson, apiRoute, methodsNotAllowed } from "@/lib/api/route";
import { confirmSandboxSetup } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>("sandboxes:write", (caller, request, { id }) =>
  idempotent(caller, request, async () => apiJson(await confirmSandboxSetup(caller.actor, id, request), 202)),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("/sandboxes/{id}/setup");
