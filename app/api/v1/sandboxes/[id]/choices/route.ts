/** GET /api/v1/sandboxes/{id}/choices: production's users and scheduled tasks, for building setup choices (scope sandboxes:write). */
import { apiJson, apiRoute, methodsNotAllowed } from "@/lib/api/route";
import { sandboxChoices } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("sandboxes:write", async ({ actor }, _request, { id }) => apiJson(await sandboxChoices(actor, id)));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed("/sandboxes/{id}/choices");
