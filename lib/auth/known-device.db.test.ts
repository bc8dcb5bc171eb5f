/**
 * The known-device cookie through the sign-in provider itself, as the auth route hands it a
 * request: the cookie the route sets after a sign-in is the one it reads back on the next.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { hashPassword } = await import("./password");
const { authOptions } = await import("./options");
const { checkCredentials } = await import("./credentials");
const { ADDRESS_FAILURE_FACTOR } = await import("./throttle");
const { deviceCookieHeader, deviceCookieName } = await import("./known-device");

type Authorize = (raw: Record<string, string>, req: { headers: Record<string, string> }) => Promise<{ id: string } | null>;

/** The e-mail-and-password provider's authorize, with the route's hook for the cookie it would set. */
function passwordSignIn(issued: string[]): Authorize {
  const provider = authOptions(undefined, (value) => issued.push(value)).providers.find((p) => p.id === "credentials") as unknown as { options: { authorize: Authorize } };
  return provider.options.authorize;
}

describe("a known browser through the sign-in provider", () => {
  beforeAll(async () => {
    process.env.LOGIN_MAX_FAILURES = "3";
    await db.user.create({ data: { email: "eve@example.com", name: "Eve", role: "CUSTOMER_ADMIN", passwordHash: await hashPassword("eve's good password") } });
  });

  it("sets a cookie after a sign-in, and signs in with it past a locked address that refuses the same sign-in without it", async () => {
    const issued: string[] = [];
    const signIn = passwordSignIn(issued);
    const credentials = { email: "eve@example.com", password: "eve's good password" };
    expect(await signIn(credentials, { headers: { "x-forwarded-for": "192.0.2.140" } })).toMatchObject({ id: expect.any(String) });
    expect(issued).toHaveLength(1);
    // What the route sets is what the next request carries back (with the others the browser holds).
    const setCookie = deviceCookieHeader(issued[0]!, false);
    expect(setCookie).toMatch(/^portal-device=[^;]+; Path=\/api\/auth; Max-Age=7776000; HttpOnly; SameSite=Lax$/);
    const cookie = `next-auth.csrf-token=abc; ${setCookie.split(";")[0]}; other=1`;

    const office = "198.51.100.140";
    for (let i = 0; i < 3 * ADDRESS_FAILURE_FACTOR; i++) await checkCredentials(`nobody${i}@example.com`, "guess", office);
    await expect(signIn(credentials, { headers: { "x-forwarded-for": office } })).rejects.toThrow("Throttled");
    expect(await signIn(credentials, { headers: { "x-forwarded-for": office, cookie } })).toMatchObject({ id: expect.any(String) });
    expect(issued).toHaveLength(2);
    // Over https the cookie has the __Secure- name: one without it is not read there.
    expect(deviceCookieName(true)).toBe("__Secure-portal-device");
    expect(deviceCookieHeader(issued[1]!, true)).toMatch(/^__Secure-portal-device=.*; Secure$/);
  });

  it("sets none when the sign-in fails", async () => {
    const issued: string[] = [];
    await expect(passwordSignIn(issued)({ email: "eve@example.com", password: "not it" }, { headers: { "x-forwarded-for": "192.0.2.141" } })).rejects.toThrow("InvalidCredentials");
    expect(issued).toEqual([]);
  });
});
