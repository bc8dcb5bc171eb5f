/** GET /api/v1/sandboxes/{id}/progress[?run=<runId>]: the newest run (or that one), its steps and the estimate, as the page shows them (scope sandboxes:read). */
import { apiJson, apiRoute, methodsNotAllowed } from "@/lib/api/route";
import { sandboxProgress } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("sandboxes:read", async ({ actor }, request, { id }) => apiJson(await sandboxProgress(actor, id, new URL(request.url).searchParams)));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("/sandboxes/{id}/progress");
