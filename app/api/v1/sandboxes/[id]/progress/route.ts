/** GET /api/v1/sandboxes/{id}/progress: the newest run, its steps and the estimate, as the page shows them (scope sandboxes:read). */
import { apiJson, apiRoute, methodsNotAllowed } from "@/lib/api/route";
import { sandboxProgress } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("sandboxes:read", async ({ actor }, _request, { id }) => apiJson(await sandboxProgress(actor, id)));

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("/sandboxes/{id}/progress");
