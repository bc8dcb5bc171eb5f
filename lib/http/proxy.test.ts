import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { proxy } from "@/proxy";

const ask = (path: string) => proxy(new NextRequest(`http://localhost:3000${path}`));

describe("the proxy, for a path holding a NUL", () => {
  it("answers 404 before a page or route reads the id, which PostgreSQL cannot compare (it failed as a 500)", async () => {
    for (const path of ["/api/sandboxes/abc%00def/progress", "/api/sandboxes/x/runs/y%00/report", "/orders/abc%00", "/sandboxes/%00"]) {
      const response = ask(path);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ error: "NOT_FOUND" });
      // Still with every security header.
      expect(response.headers.get("Content-Security-Policy")).toContain("nonce-");
      expect(response.headers.get("X-Frame-Options")).toBeTruthy();
    }
  });

  it("answers the public API in its own problem details", async () => {
    const response = ask("/api/v1/sandboxes/a%00");
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ code: "not_found" });
  });

  it("passes every other path on, a literal %00 in an id included (%2500)", () => {
    for (const path of ["/orders/abc%2500", "/sandboxes/cmxczkmfg000bvv7d9bjur9st", "/audit?who=%00"]) expect(ask(path).status, path).toBe(200);
  });
});
