/** GET /api/v1/sandboxes/{id}: one sandbox; another tenant's is 404 (scope sandboxes:read). */
import { apiJson, apiRoute } from "@/lib/api/route";
import { sandboxDetail } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("sandboxes:read", async ({ actor }, _request, { id }) => apiJson(await sandboxDetail(actor, id)));
