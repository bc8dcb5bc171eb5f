/**
 * GET /api/v1/sandboxes: the sandboxes the token's owner may see (scope sandboxes:read).
 * POST /api/v1/sandboxes: an order, as on the order page; 201 (scope sandboxes:write, Idempotency-Key honoured).
 */
import { idempotent } from "@/lib/api/idempotency";
import { apiJson, apiRoute, methodsNotAllowed } from "@/lib/api/route";
import { placeOrder, sandboxesPage } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const GET = apiRoute("sandboxes:read", async ({ actor }, request) => apiJson(await sandboxesPage(actor, new URL(request.url).searchParams)));

export const POST = apiRoute("sandboxes:write", (caller, request) => idempotent(caller, request, async () => apiJson(await placeOrder(caller.actor, request), 201)));

export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("/sandboxes");
