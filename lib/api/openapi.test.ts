import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { API_OPERATIONS, openApiDocument } from "./openapi";

const V1 = path.resolve(__dirname, "../../app/api/v1");

/** Every route file under app/api/v1 as "METHOD /path" ({id} for [id]), read from its exports. */
function routes(dir = V1): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return routes(full);
    if (entry !== "route.ts") return [];
    const route = `/${path.relative(V1, dir)}`.replace(/\[(\w+)\]/g, "{$1}");
    const methods = [...readFileSync(full, "utf8").matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
    return methods.map((m) => `${m} ${route}`);
  });
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(openApiDocument() as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("names every route of /api/v1 and no other (the document itself aside)", () => {
    const documented = Object.entries(openApiDocument().paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(routes().filter((r) => r !== "GET /openapi.json").sort());
  });

  it("lists production_refused for the operations that read production (setup and refresh check the choices against it)", () => {
    const codes = (path: string) => API_OPERATIONS.find((op) => op.method === "post" && op.path === path)!.problems;
    for (const path of ["/sandboxes/{id}/setup", "/sandboxes/{id}/refresh"]) expect(codes(path), path).toContain("production_refused");
  });

  it("describes every operation's scope, its problems as problem+json, and resolves every schema reference", () => {
    const doc = openApiDocument();
    const text = JSON.stringify(doc);
    for (const [, id] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) expect(doc.components.schemas, id).toHaveProperty(id!);
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops) as { security: { bearerToken: string[] }[]; responses: Record<string, { content: Record<string, unknown> }> }[]) {
        expect(op.security[0]!.bearerToken).toHaveLength(1);
        expect(op.responses["401"]!.content).toHaveProperty("application/problem+json");
      }
    }
  });

  it("names the Location of every 201 and 202", () => {
    let located = 0;
    for (const ops of Object.values(openApiDocument().paths)) {
      for (const op of Object.values(ops) as { responses: Record<string, { headers?: Record<string, unknown> }> }[]) {
        for (const status of ["201", "202"]) {
          if (!op.responses[status]) continue;
          located++;
          expect(op.responses[status]!.headers).toHaveProperty("Location");
        }
      }
    }
    expect(located).toBe(4);
  });

  it("says what a repeated Idempotency-Key gets: 409 while the same request is answered, 422 for another request", () => {
    const doc = openApiDocument();
    let idempotent = 0;
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops) as { parameters: { name: string; description: string }[]; responses: Record<string, { content: Record<string, unknown> }> }[]) {
        const key = op.parameters.find((p) => p.name === "Idempotency-Key");
        if (!key) continue;
        idempotent++;
        expect(key.description).toMatch(/still being answered.*\(409\)/);
        expect(key.description).toMatch(/another request is refused \(422\), whether or not the first has been answered/);
        expect(op.responses["409"]!.content).toHaveProperty("application/problem+json");
        expect(op.responses["422"]!.content).toHaveProperty("application/problem+json");
      }
    }
    expect(idempotent).toBe(5);
  });
});
