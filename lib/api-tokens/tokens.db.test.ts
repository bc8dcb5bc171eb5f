import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

// Read once, on the first request: each test's tokens stay under it but for the throttle's.
process.env.API_RATE_LIMIT_PER_MINUTE = "5";
usePortalDatabase();

const { db } = await import("../db/portal");
const { createTokenAction, revokeTokenAction } = await import("./actions");
const { MAX_ACTIVE_TOKENS_PER_OWNER } = await import("./mutations");
const { listTokens } = await import("./queries");
const { loadActor } = await import("../auth/load-actor");
const { authenticateApiRequest } = await import("./authenticate");
const { hashToken } = await import("./secret");
const { GET: listRoute } = await import("../../app/api/v1/sandboxes/route");
const { GET: detailRoute } = await import("../../app/api/v1/sandboxes/[id]/route");
const { SandboxDetailSchema, SandboxPageSchema, ProblemSchema } = await import("../api/schemas");

let ids: { tenantA: string; tenantB: string; adminA: string; userA: string; adminB: string; sales: string; operator: string };
const tokenOf = async (as: string, scopes: string[] = ["sandboxes:read"], expiresInDays = 30) => {
  signInAs(as);
  const made = await createTokenAction({ name: `pipeline ${Math.random()}`, expiresInDays, scopes: scopes as never });
  if (!made.ok) throw new Error(made.message);
  signInAs(null);
  return made.data.token;
};
const call = (token: string | null, path = "/api/v1/sandboxes") => new Request(`http://portal.test${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const list = (token: string | null, query = "") => listRoute(call(token, `/api/v1/sandboxes${query}`), { params: Promise.resolve({}) });
const detail = (token: string | null, id: string) => detailRoute(call(token, `/api/v1/sandboxes/${id}`), { params: Promise.resolve({ id }) });

beforeAll(async () => {
  const tenant = async (customerId: string, companyName: string) => (await db.tenant.create({ data: { customerId, companyName, productionUrlEncrypted: "sealed" } })).id;
  const tenantA = await tenant("Cust51001", "Alpha AS");
  const tenantB = await tenant("Cust51002", "Beta AB");
  const user = async (email: string, role: "CUSTOMER_ADMIN" | "CUSTOMER_USER" | "SALES_REP" | "OPERATOR", tenantId: string | null) =>
    (await db.user.create({ data: { email, name: email.split("@")[0]!, role, tenantId, passwordHash: "-" } })).id;
  ids = {
    tenantA, tenantB,
    adminA: await user("admin@alpha.example", "CUSTOMER_ADMIN", tenantA),
    userA: await user("user@alpha.example", "CUSTOMER_USER", tenantA),
    adminB: await user("admin@beta.example", "CUSTOMER_ADMIN", tenantB),
    sales: await user("sales@portal.example", "SALES_REP", null),
    operator: await user("operator@portal.example", "OPERATOR", null),
  };
  await db.sandbox.createMany({
    data: [
      { id: "sb_a1", tenantId: tenantA, name: "UAT", status: "READY", planCounts: {}, orderedById: ids.adminA },
      { id: "sb_b1", tenantId: tenantB, name: "Training", status: "READY", planCounts: {}, orderedById: ids.adminB },
    ],
  });
});
beforeEach(() => signInAs(null));

describe("personal access tokens", () => {
  it("are made only by customer admins and operators, shown once and kept as a hash, and audited", async () => {
    for (const who of [ids.userA, ids.sales]) {
      signInAs(who);
      expect(await createTokenAction({ name: "x", expiresInDays: 30, scopes: ["sandboxes:read"] })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    }
    const token = await tokenOf(ids.adminA, ["sandboxes:read", "reports:read"]);
    expect(token).toMatch(/^sbp_[A-Za-z0-9_-]{43}$/);
    const row = await db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(row).toMatchObject({ ownerId: ids.adminA, tenantId: ids.tenantA, scopes: ["sandboxes:read", "reports:read"] });
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "apiToken.created", targetId: row.id } });
    expect(JSON.stringify(audit.details)).not.toContain(token.slice(4));
  });

  it("are made only within 15 minutes of signing in: a session taken over later cannot turn itself into a year-long token", async () => {
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const before = await db.apiToken.count({ where: { ownerId: ids.adminA } });
    // An account whose password was set before these sign-ins (a session older than it ends).
    await db.user.update({ where: { id: ids.adminA }, data: { passwordChangedAt: minutesAgo(120) } });
    signInAs(ids.adminA, minutesAgo(16));
    expect(await createTokenAction({ name: "from an old session", expiresInDays: 365, scopes: ["sandboxes:write"] })).toEqual({
      ok: false,
      code: "FORBIDDEN",
      message: "For your security, a token is made only within 15 minutes of signing in. Sign in again, then create it.",
    });
    expect(await db.apiToken.count({ where: { ownerId: ids.adminA } })).toBe(before);
    // The same person, signed in again.
    signInAs(ids.adminA, minutesAgo(14));
    expect(await createTokenAction({ name: "after signing in", expiresInDays: 30, scopes: ["sandboxes:read"] })).toMatchObject({ ok: true });
    // Revoking needs no fresh sign-in: it only takes away.
    signInAs(ids.adminA, minutesAgo(60));
    const made = await db.apiToken.findFirstOrThrow({ where: { ownerId: ids.adminA, name: "after signing in" } });
    expect(await revokeTokenAction({ id: made.id })).toMatchObject({ ok: true });
  });

  it("refuse impossible choices: no scope, an unknown scope, more than a year, an expiry the form does not offer", async () => {
    signInAs(ids.adminA);
    const refused = async (input: object, field: string) => {
      const result = await createTokenAction({ name: "ci", expiresInDays: 30, scopes: ["sandboxes:read"], ...input } as never);
      expect(result).toMatchObject({ ok: false, code: "INVALID_INPUT" });
      expect(Object.keys((result as { fieldErrors: object }).fieldErrors).join()).toContain(field);
    };
    await refused({ scopes: [] }, "scopes");
    await refused({ scopes: ["sandboxes:admin"] }, "scopes");
    await refused({ expiresInDays: 366 }, "expiresInDays");
    await refused({ expiresInDays: 1 }, "expiresInDays");
    await refused({ name: "  " }, "name");
  });

  it("answer 401 without a token, with a wrong, revoked or expired one, as problem+json", async () => {
    const token = await tokenOf(ids.adminA);
    expect((await list(token)).status).toBe(200);
    const none = await list(null);
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    expect(await none.json()).toMatchObject({ status: 401, code: "unauthenticated" });
    expect((await list(`sbp_${"A".repeat(43)}`)).status).toBe(401);
    expect((await list(token.slice(0, -1))).status).toBe(401);

    const expiring = await tokenOf(ids.adminA);
    await db.apiToken.update({ where: { tokenHash: hashToken(expiring) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await list(expiring)).status).toBe(401);

    const revoked = await tokenOf(ids.adminA);
    const { id } = await db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(revoked) } });
    signInAs(ids.adminB);
    expect(await revokeTokenAction({ id })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect((await list(revoked)).status).toBe(200);
    signInAs(ids.adminA);
    expect(await revokeTokenAction({ id })).toMatchObject({ ok: true });
    expect((await list(revoked)).status).toBe(401);
    expect(await db.auditEvent.count({ where: { action: "apiToken.revoked", targetId: id } })).toBe(1);
  });

  it("say in WWW-Authenticate, as the OpenAPI document does, that a token sent does not work (RFC 6750's invalid_token), and nothing more when none was sent", async () => {
    const none = await list(null);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    const expired = await tokenOf(ids.adminA);
    await db.apiToken.update({ where: { tokenHash: hashToken(expired) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    for (const sent of [`sbp_${"A".repeat(43)}`, "not-a-token", expired]) {
      const refused = await list(sent);
      expect(refused.status, sent).toBe(401);
      expect(refused.headers.get("www-authenticate"), sent).toBe('Bearer realm="api", error="invalid_token"');
    }
  });

  it("act as the owner is now: a demoted, moved or removed owner's token stops working", async () => {
    const demoted = await db.user.create({ data: { email: "was-admin@alpha.example", name: "Was", role: "CUSTOMER_ADMIN", tenantId: ids.tenantA, passwordHash: "-" } });
    const token = await tokenOf(demoted.id);
    expect((await list(token)).status).toBe(200);
    await db.user.update({ where: { id: demoted.id }, data: { role: "CUSTOMER_USER" } });
    expect((await list(token)).status).toBe(401);
    await db.user.update({ where: { id: demoted.id }, data: { role: "CUSTOMER_ADMIN", tenantId: ids.tenantB } });
    expect((await list(token)).status).toBe(401);
    await db.user.update({ where: { id: demoted.id }, data: { tenantId: ids.tenantA } });
    expect((await list(token)).status).toBe(200);
    await db.user.delete({ where: { id: demoted.id } });
    expect((await list(token)).status).toBe(401);
    expect(await db.apiToken.count({ where: { tokenHash: hashToken(token) } })).toBe(0);
  });

  it("end as the sessions do when the owner's password is reset: a token minted from a stolen session does not outlive it", async () => {
    const owner = await db.user.create({ data: { email: "reset@alpha.example", name: "Reset", role: "CUSTOMER_ADMIN", tenantId: ids.tenantA, passwordHash: "-" } });
    const before = await tokenOf(owner.id);
    expect((await list(before)).status).toBe(200);
    await db.user.update({ where: { id: owner.id }, data: { passwordChangedAt: new Date(Date.now() + 5_000) } });
    expect((await list(before)).status).toBe(401);
    // One made after the reset works.
    await db.user.update({ where: { id: owner.id }, data: { passwordChangedAt: new Date(Date.now() - 5_000) } });
    expect((await list(await tokenOf(owner.id))).status).toBe(200);
  });

  it("are held to a few working at once per person, counted as they are made, and listed working first", async () => {
    const owner = await db.user.create({ data: { email: "many@alpha.example", name: "Many", role: "CUSTOMER_ADMIN", tenantId: ids.tenantA, passwordHash: "-" } });
    // One revoked and one expired do not count.
    const revoked = await tokenOf(owner.id);
    await db.apiToken.update({ where: { tokenHash: hashToken(revoked) }, data: { revokedAt: new Date() } });
    const expired = await tokenOf(owner.id);
    await db.apiToken.update({ where: { tokenHash: hashToken(expired) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    signInAs(owner.id);
    const made = await Promise.all(
      Array.from({ length: MAX_ACTIVE_TOKENS_PER_OWNER + 3 }, (_, i) => createTokenAction({ name: `ci ${i}`, expiresInDays: 30, scopes: ["sandboxes:read"] })),
    );
    expect(made.filter((m) => m.ok)).toHaveLength(MAX_ACTIVE_TOKENS_PER_OWNER);
    expect(made.filter((m) => !m.ok)).toEqual(Array.from({ length: 3 }, () => expect.objectContaining({ ok: false, code: "CONFLICT", message: expect.stringContaining("revoke one") })));
    // The revoked one is listed last, after every one that still works.
    const listed = (await listTokens((await loadActor(owner.id))!)).filter((t) => t.owner.name === "Many");
    expect(listed.at(-1)).toMatchObject({ state: "revoked" });
    expect(listed.filter((t) => t.state === "active")).toHaveLength(MAX_ACTIVE_TOKENS_PER_OWNER);
  });

  it("see their own tenant only: another tenant's sandbox is 404; an operator's token sees every tenant", async () => {
    const token = await tokenOf(ids.adminA);
    // What the OpenAPI document promises is what comes back.
    const page = SandboxPageSchema.parse(await (await list(token)).json());
    expect(page.data.map((s: { id: string }) => s.id)).toEqual(["sb_a1"]);
    expect(page.data[0]).toMatchObject({ name: "UAT", status: "READY", customer: { id: "Cust51001", name: "Alpha AS" }, links: { self: "/api/v1/sandboxes/sb_a1" } });
    expect(SandboxDetailSchema.parse(await (await detail(token, "sb_a1")).json())).toMatchObject({ id: "sb_a1", kind: null });
    const other = await detail(token, "sb_b1");
    expect(other.status).toBe(404);
    expect(ProblemSchema.parse(await other.json())).toMatchObject({ code: "not_found" });
    // No id of anyone's, though the database would refuse it (a NUL), or it names a path: 404 too, not a 500.
    const prober = await tokenOf(ids.adminA);
    for (const odd of ["sb_a1\u0000", "../sb_a1", "sb_a1 "]) expect((await detail(prober, odd)).status, JSON.stringify(odd)).toBe(404);
    // A customer's customer filter is ignored, as on the page.
    expect((await (await list(token, "?customer=Cust51002")).json()).data.map((s: { id: string }) => s.id)).toEqual(["sb_a1"]);
    const operator = await tokenOf(ids.operator);
    expect((await (await list(operator)).json()).data.map((s: { id: string }) => s.id).sort()).toEqual(["sb_a1", "sb_b1"]);
  });

  it("are held to their scopes: reading sandboxes needs sandboxes:read", async () => {
    const reportsOnly = await tokenOf(ids.adminA, ["reports:read"]);
    const refused = await list(reportsOnly);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "forbidden" });
  });

  it("are throttled per token, across concurrent requests, with Retry-After; other tokens are not held up", async () => {
    const busy = await tokenOf(ids.adminA);
    const quiet = await tokenOf(ids.adminA);
    const now = new Date();
    const answers = await Promise.allSettled(Array.from({ length: 8 }, () => authenticateApiRequest(call(busy), now)));
    expect(answers.filter((a) => a.status === "fulfilled")).toHaveLength(5);
    const limited = answers.find((a) => a.status === "rejected") as PromiseRejectedResult;
    expect(limited.reason.response.status).toBe(429);
    expect(Number(limited.reason.response.headers.get("retry-after"))).toBeGreaterThan(0);
    await expect(authenticateApiRequest(call(quiet), now)).resolves.toMatchObject({ actor: { id: ids.adminA } });
    // Refused again within the window without a statement: the token's row is not touched.
    const stamped = (await db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(busy) } })).lastUsedAt;
    const later = await authenticateApiRequest(call(busy), new Date(now.getTime() + 30_000)).catch((e: { response: Response }) => e.response);
    expect((later as Response).status).toBe(429);
    expect((later as Response).headers.get("retry-after")).toBe("30");
    expect((await db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(busy) } })).lastUsedAt).toEqual(stamped);
    // The next window lets the busy token in again.
    await expect(authenticateApiRequest(call(busy), new Date(now.getTime() + 61_000))).resolves.toMatchObject({ token: { scopes: ["sandboxes:read"] } });
    const { lastUsedAt } = await db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(busy) } });
    expect(lastUsedAt?.getTime()).toBe(now.getTime() + 61_000);
  });

  it("count their window by the database's clock: an app instance whose machine runs 10 minutes ahead does not hold the token up for 11 minutes on the others", async () => {
    const token = await tokenOf(ids.adminA);
    // One instance's machine, its clock 10 minutes ahead of the database's (and the other instances').
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    try {
      for (let i = 0; i < 5; i++) await authenticateApiRequest(call(token));
    } finally {
      vi.useRealTimers();
    }
    // The next request, on an instance whose clock agrees with the database: the window ends within the minute.
    const refused = await authenticateApiRequest(call(token)).catch((e: { response: Response }) => e.response);
    expect((refused as Response).status).toBe(429);
    expect(Number((refused as Response).headers.get("retry-after"))).toBeLessThanOrEqual(60);
  });
});
