import { describe, expect, it, vi } from "vitest";
import { newNonce, securityHeaders } from "./security-headers";
import { loadAuthOptions } from "../testing/auth-options";

describe("security headers", () => {
  it("allow only this request's nonce for scripts, never inline ones", () => {
    const nonce = newNonce();
    const csp = securityHeaders({ nonce, https: false, development: false })["Content-Security-Policy"]!;
    const scriptSrc = csp.split("; ").find((d) => d.startsWith("script-src "));
    expect(scriptSrc).toBe(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(newNonce()).not.toBe(nonce);
  });

  it("allow inline styles only on the development server, whose error overlay adds them without a nonce", () => {
    const styleSrc = (development: boolean) => securityHeaders({ nonce: "n", https: false, development })["Content-Security-Policy"]!.split("; ").find((d) => d.startsWith("style-src "));
    expect(styleSrc(false)).toBe("style-src 'self' 'nonce-n'");
    // With a nonce beside it, browsers would ignore 'unsafe-inline': the overlay's styles would still be refused.
    expect(styleSrc(true)).toBe("style-src 'self' 'unsafe-inline'");
  });

  it("send HSTS over HTTPS only", () => {
    expect(securityHeaders({ nonce: "n", https: true, development: false })["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
    expect(securityHeaders({ nonce: "n", https: false, development: false })).not.toHaveProperty("Strict-Transport-Security");
  });
});

describe("development server", () => {
  it("lets pages opened on 127.0.0.1 or localhost load their own scripts", async () => {
    // @ts-expect-error next.config.js is plain JavaScript with a JSDoc type only
    const { default: nextConfig } = (await import("../../next.config.js")) as { default: { allowedDevOrigins?: string[] } };
    expect(nextConfig.allowedDevOrigins).toEqual(expect.arrayContaining(["127.0.0.1", "localhost"]));
  });
});

describe("session cookies", () => {
  async function optionsWith(nextauthUrl: string) {
    const { authOptions } = await loadAuthOptions(nextauthUrl);
    return authOptions();
  }

  it("are Secure whenever NEXTAUTH_URL is https", async () => {
    expect((await optionsWith("https://sandboxes.example.com")).useSecureCookies).toBe(true);
    expect((await optionsWith("http://localhost:3000")).useSecureCookies).toBe(false);
    vi.unstubAllEnvs();
  });
});
