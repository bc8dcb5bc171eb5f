/**
 * Any other path under /api/v1 (a misspelt operation, an old client): a problem a
 * pipeline can read, pointing at the list of operations, not the portal's HTML 404 page.
 */
import { problem } from "@/lib/api/problem";

export const dynamic = "force-dynamic";

function noSuchOperation(): Response {
  return problem("not_found", { detail: "No API operation has this path: /api/v1/openapi.json lists them." });
}

export { noSuchOperation as GET, noSuchOperation as POST, noSuchOperation as PUT, noSuchOperation as PATCH, noSuchOperation as DELETE };
