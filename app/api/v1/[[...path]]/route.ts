/**
 * Any other path under /api/v1 (a misspelt operation, an old client), and /api/v1 itself
 * (an optional catch-all: a required one left the bare prefix to the portal's HTML 404 page):
 * a problem a pipeline can read, pointing at the list of operations. OPTIONS too: Next.js's
 * own answer named every method exported here, for a path that has none.
 */
import { problem } from "@/lib/api/problem";

export const dynamic = "force-dynamic";

function noSuchOperation(): Response {
  return problem("not_found", { detail: "No API operation has this path: /api/v1/openapi.json lists them." });
}

export { noSuchOperation as GET, noSuchOperation as POST, noSuchOperation as PUT, noSuchOperation as PATCH, noSuchOperation as DELETE, noSuchOperation as OPTIONS };
