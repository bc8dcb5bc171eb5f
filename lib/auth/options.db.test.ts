import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

// Single sign-on is switched on by these three variables (read when the options are first built).
process.env.OIDC_ISSUER = "https://login.example.com/realms/acme/";
process.env.OIDC_CLIENT_ID = "sandbox-portal";
process.env.OIDC_CLIENT_SECRET = "not-a-real-secret";
process.env.OIDC_NAME = "Acme SSO";

usePortalDatabase();

const { db } = await import("../db/portal");
const { authOptions } = await import("./options");

describe("single sign-on (OIDC)", () => {
  let knownId = "";
  beforeAll(async () => {
    knownId = (await db.user.create({ data: { email: "sso.user@example.com", name: "SSO", role: "CUSTOMER_USER", passwordHash: "-" } })).id;
  });

  it("adds an OpenID Connect provider next to e-mail and password", () => {
    const providers = authOptions().providers.map((p) => ({ id: p.id, name: p.name, wellKnown: (p as { wellKnown?: string }).wellKnown }));
    expect(providers).toEqual([
      { id: "credentials", name: "Credentials", wellKnown: undefined },
      { id: "oidc", name: "Acme SSO", wellKnown: "https://login.example.com/realms/acme/.well-known/openid-configuration" },
    ]);
  });

  it("admits only e-mail addresses that have a portal account, and signs them in as that account", async () => {
    const { callbacks } = authOptions();
    const account = { provider: "oidc", type: "oauth", providerAccountId: "idp-1" } as const;
    const signIn = callbacks!.signIn!;
    expect(await signIn({ user: { id: "idp-1", email: "stranger@example.com" }, account } as never)).toBe(false);
    expect(await signIn({ user: { id: "idp-1", email: null }, account } as never)).toBe(false);
    expect(await signIn({ user: { id: "idp-2", email: "SSO.User@example.com" }, account } as never)).toBe(true);
    const token = await callbacks!.jwt!({ token: {}, user: { id: "idp-2", email: "SSO.User@example.com" }, account } as never);
    expect(token.sub).toBe(knownId);
  });

  it("matches no account on an address the provider says it has not verified", async () => {
    const oidc = authOptions().providers.find((p) => p.id === "oidc") as unknown as { profile: (p: object) => { email: string | null } };
    expect(oidc.profile({ sub: "idp-4", email: "sso.user@example.com", email_verified: false }).email).toBeNull();
    expect(oidc.profile({ sub: "idp-4", email: "sso.user@example.com", email_verified: "false" }).email).toBeNull();
    expect(oidc.profile({ sub: "idp-4", email: "sso.user@example.com", email_verified: true }).email).toBe("sso.user@example.com");
    // A provider that does not say may let anyone set any address: not trusted unless the operator says so
    // (OIDC_TRUST_UNVERIFIED_EMAIL).
    expect(oidc.profile({ sub: "idp-4", email: "sso.user@example.com" }).email).toBeNull();
    const account = { provider: "oidc", type: "oauth", providerAccountId: "idp-4" } as const;
    const unverified = oidc.profile({ sub: "idp-4", email: "sso.user@example.com", email_verified: false });
    expect(await authOptions().callbacks!.signIn!({ user: { id: "idp-4", ...unverified }, account } as never)).toBe(false);
  });

  it("sends a customer with a second factor set up to the password and code form too", async () => {
    await db.user.create({ data: { email: "coded.sso@example.com", name: "Coded", role: "CUSTOMER_ADMIN", passwordHash: "-", totpSecretEncrypted: "v1:sealed" } });
    const account = { provider: "oidc", type: "oauth", providerAccountId: "idp-5" } as const;
    expect(await authOptions().callbacks!.signIn!({ user: { id: "idp-5", email: "coded.sso@example.com" }, account } as never)).toBe("/sign-in?error=UsePasswordAndCode");
  });

  it("sends staff to the password and code form: single sign-on does not check the portal's second factor", async () => {
    await db.user.create({ data: { email: "op.sso@example.com", name: "Op", role: "OPERATOR", passwordHash: "-" } });
    const account = { provider: "oidc", type: "oauth", providerAccountId: "idp-3" } as const;
    expect(await authOptions().callbacks!.signIn!({ user: { id: "idp-3", email: "op.sso@example.com" }, account } as never)).toBe(
      "/sign-in?error=StaffUsePassword",
    );
  });

  it("binds an account to the provider's identity at its first sign-in: an address passed to someone else there opens nothing, a changed one keeps the account", async () => {
    const { callbacks } = authOptions();
    const signIn = callbacks!.signIn!;
    const as = (sub: string) => ({ provider: "oidc", type: "oauth", providerAccountId: sub }) as const;
    const leaverId = (await db.user.create({ data: { email: "leaver@example.com", name: "Leaver", role: "CUSTOMER_ADMIN", passwordHash: "-" } })).id;
    expect(await signIn({ user: { id: "idp-leaver", email: "leaver@example.com" }, account: as("idp-leaver") } as never)).toBe(true);
    expect(await db.user.findUniqueOrThrow({ where: { id: leaverId } })).toMatchObject({ oidcIssuer: "https://login.example.com/realms/acme", oidcSubject: "idp-leaver" });

    // The mailbox is given to a newcomer at the provider: another identity with the same verified address.
    expect(await signIn({ user: { id: "idp-newcomer", email: "leaver@example.com" }, account: as("idp-newcomer") } as never)).toBe("/sign-in?error=OtherSsoIdentity");
    // The owner's address changes at the provider: still their account.
    expect(await signIn({ user: { id: "idp-leaver", email: "renamed@example.com" }, account: as("idp-leaver") } as never)).toBe(true);
    const token = await callbacks!.jwt!({ token: {}, user: { id: "idp-leaver", email: "renamed@example.com" }, account: as("idp-leaver") } as never);
    expect(token.sub).toBe(leaverId);
  });

  it("binds each of two first sign-ins at once to one identity only", async () => {
    const signIn = authOptions().callbacks!.signIn!;
    await db.user.create({ data: { email: "raced@example.com", name: "Raced", role: "CUSTOMER_USER", passwordHash: "-" } });
    const outcomes = await Promise.all(
      ["idp-a", "idp-b"].map((sub) => signIn({ user: { id: sub, email: "raced@example.com" }, account: { provider: "oidc", type: "oauth", providerAccountId: sub } } as never)),
    );
    expect(outcomes.filter((o) => o === true)).toHaveLength(1);
    // One person's double click: both sign-ins are theirs.
    await db.user.create({ data: { email: "double@example.com", name: "Double", role: "CUSTOMER_USER", passwordHash: "-" } });
    const twice = await Promise.all(
      [1, 2].map(() => signIn({ user: { id: "idp-double", email: "double@example.com" }, account: { provider: "oidc", type: "oauth", providerAccountId: "idp-double" } } as never)),
    );
    expect(twice).toEqual([true, true]);
  });
});
