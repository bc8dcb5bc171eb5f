import { afterEach, describe, expect, it, vi } from "vitest";
import { loadAuthOptions } from "../testing/auth-options";

/** next-auth's options as the auth route builds them for a request that came in on `requestOrigin`. */
async function redirectFor(nextauthUrl: string, requestOrigin: string, url: string) {
  const { authOptions } = await loadAuthOptions(nextauthUrl);
  return authOptions(requestOrigin).callbacks!.redirect!({ url, baseUrl: nextauthUrl });
}

afterEach(() => vi.unstubAllEnvs());

describe("where the auth route sends the browser (signing out, after sign-in)", () => {
  it("keeps the public address's https on its host name: behind a proxy the portal was not told to trust, the request reads as http, and signing out sent the browser to http://", async () => {
    expect(await redirectFor("https://sandboxes.example.com", "http://sandboxes.example.com", "/sign-in")).toBe("https://sandboxes.example.com/sign-in");
    expect(await redirectFor("https://sandboxes.example.com", "http://sandboxes.example.com:8080", "/sandboxes?x=1")).toBe("https://sandboxes.example.com/sandboxes?x=1");
  });

  it("keeps another host name the portal was opened on, as it is", async () => {
    expect(await redirectFor("https://sandboxes.example.com", "http://127.0.0.1:3000", "/sign-in")).toBe("http://127.0.0.1:3000/sign-in");
    expect(await redirectFor("http://localhost:3000", "http://localhost:3000", "/orders")).toBe("http://localhost:3000/orders");
  });

  it("still keeps only a same-origin path", async () => {
    expect(await redirectFor("https://sandboxes.example.com", "http://sandboxes.example.com", "https://evil.example/x")).toBe("https://sandboxes.example.com/");
  });
});
