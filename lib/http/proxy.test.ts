import { afterEach, describe, expect, it, vi } from "vitest";
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

describe("the proxy's HSTS", () => {
  afterEach(() => vi.unstubAllEnvs());
  const hsts = (url: string, headers: Record<string, string> = {}) => proxy(new NextRequest(url, { headers })).headers.get("Strict-Transport-Security");

  it("is sent where NEXTAUTH_URL says the portal is served over HTTPS: behind a TLS proxy not named in TRUSTED_PROXIES every request reads as http, and no response carried it", () => {
    vi.stubEnv("NEXTAUTH_URL", "https://sandboxes.example.com");
    expect(hsts("http://sandboxes.example.com/sign-in")).toMatch(/max-age=\d+/);
  });

  it("is not sent over plain HTTP to a portal NEXTAUTH_URL does not serve over HTTPS (a local setup)", () => {
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
    expect(hsts("http://localhost:3000/sign-in")).toBeNull();
    vi.stubEnv("NEXTAUTH_URL", "");
    expect(hsts("http://localhost:3000/sign-in")).toBeNull();
  });
});
