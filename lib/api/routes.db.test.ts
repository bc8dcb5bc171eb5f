/**
 * The API's routes against its OpenAPI document: every path the document names has its
 * route, taking exactly the document's methods; any other method there is a 405 that names
 * the methods taken, and any other path under /api/v1 a 404, both as problem details a
 * client can read (Next.js's own answers are a bare 405 and the portal's HTML 404 page).
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
usePortalDatabase();

const { API_OPERATIONS } = await import("./openapi");
const { ProblemSchema } = await import("./schemas");

const API_ROOT = path.join(process.cwd(), "app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** The catch-all: optional, so that /api/v1 itself (no segment) is a problem too, not the portal's HTML 404 page. */
const CATCH_ALL = "[[...path]]";
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

/** Every operation's route file under app/api/v1, by the document's path ("/sandboxes/{id}"); the document itself and the catch-all apart. */
async function routeFiles(): Promise<Map<string, string>> {
  const files = (await readdir(API_ROOT, { recursive: true })).filter((f) => f.endsWith("route.ts"));
  const operations = files.filter((f) => !f.startsWith("openapi.json") && !f.startsWith(CATCH_ALL));
  return new Map(operations.map((f) => [`/${path.dirname(f).replace(/\[(\w+)\]/g, "{$1}")}`, path.join(API_ROOT, f)]));
}

const call = (handler: Handler, method: string) =>
  handler(new Request(`http://portal.test/api/v1/anything`, { method }), { params: Promise.resolve({ id: "cm0000000000000000000000", runId: "cm0000000000000000000001" }) });

describe("the API's routes", () => {
  it("are the document's paths, each taking the document's methods and refusing the others with 405 and Allow", async () => {
    const routes = await routeFiles();
    expect([...routes.keys()].sort()).toEqual([...new Set(API_OPERATIONS.map((op) => op.path))].sort());
    for (const [apiPath, file] of routes) {
      const route = (await import(file)) as Partial<Record<(typeof METHODS)[number], Handler>>;
      const taken = API_OPERATIONS.filter((op) => op.path === apiPath).map((op) => op.method.toUpperCase());
      for (const method of METHODS) {
        const handler = route[method];
        expect(handler, `${method} ${apiPath}`).toBeTypeOf("function");
        const answer = await call(handler!, method);
        if (taken.includes(method)) {
          // An operation: it asks for a token before anything else.
          expect(answer.status, `${method} ${apiPath}`).toBe(401);
          continue;
        }
        expect(answer.status, `${method} ${apiPath}`).toBe(405);
        expect(answer.headers.get("content-type")).toBe("application/problem+json");
        expect(answer.headers.get("allow")).toBe([...taken, ...(taken.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", "));
        expect(ProblemSchema.parse(await answer.json())).toMatchObject({ code: "method_not_allowed", detail: `${apiPath} takes ${taken.join(" and ")}.` });
      }
      // OPTIONS names what the 405 names: Next.js's own answer listed every method the file exports, the refused ones too.
      const options = (route as Partial<Record<"OPTIONS", Handler>>).OPTIONS;
      expect(options, `OPTIONS ${apiPath}`).toBeTypeOf("function");
      const answer = await call(options!, "OPTIONS");
      expect([answer.status, answer.headers.get("allow")], `OPTIONS ${apiPath}`).toEqual([204, [...taken, ...(taken.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ")]);
    }
  });

  it("answer any other path under /api/v1 with a 404 problem naming where the operations are listed", async () => {
    const route = (await import("../../app/api/v1/[[...path]]/route")) as Record<(typeof METHODS)[number] | "OPTIONS", Handler>;
    for (const method of [...METHODS, "OPTIONS"] as const) {
      const answer = await call(route[method], method);
      expect(answer.status).toBe(404);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      expect(ProblemSchema.parse(await answer.json())).toMatchObject({ code: "not_found", detail: expect.stringContaining("/api/v1/openapi.json") });
    }
  });
});
