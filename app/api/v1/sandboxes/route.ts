/** GET /api/v1/sandboxes: the sandboxes the token's owner may see (scope sandboxes:read). */
import { apiJson, apiRoute } from "@/lib/api/route";
import { sandboxesPage } from "@/lib/api/sandboxes";

export const dynamic = "force-dynamic";

export const GET = apiRoute("sandboxes:read", async ({ actor }, request) => apiJson(await sandboxesPage(actor, new URL(request.url).searchParams)));
