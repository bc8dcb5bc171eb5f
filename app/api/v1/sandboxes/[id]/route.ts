/**
 * GET /api/v1/sandboxes/{id}: one sandbox; another tenant's is 404 (scope sandboxes:read).
 * DELETE /api/v1/sandboxes/{id}?confirmName=<its exact name>: deletes it; 202 with the run
 * (scope sandboxes:write, Idempotency-Key honoured).
 */
import { idempotent } from "@/lib/api/idempotency";
import { apiJson, apiRoute, methodsNotAllowed } from "@/lib/api/route";
import { deleteSandbox, sandboxDetail } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("sandboxes:read", async ({ actor }, _request, { id }) => apiJson(await sandboxDetail(actor, id)));

export const DELETE = apiRoute<{ id: string }>("sandboxes:write", (caller, request, { id }) =>
  idempotent(caller, request, async () => apiJson(await deleteSandbox(caller.actor, id, new URL(request.url).searchParams.get("confirmName") ?? ""), 202)),
);

export const { POST, PUT, PATCH, OPTIONS } = methodsNotAllowed("/sandboxes/{id}");
