/**
 * A token made while its owner's rights change: the request read its owner as an admin a
 * moment before another admin demoted or disabled them (which revokes their tokens). The
 * token must not be made then: it would outlive the revocation, and wake up the day the
 * owner is made admin, or enabled, again.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { createToken } = await import("./mutations");
const { loadActor } = await import("../auth/load-actor");
const { setPersonRole, disablePerson } = await import("../people/accounts");
const { authenticateApiRequest } = await import("./authenticate");
const { lockAsAdmin } = await import("../people/own-tenant");
const { revokeWorkingTokens } = await import("./mutations");
const { issuePasswordLink } = await import("../auth/password-links");
const { resetPassword } = await import("../auth/password-reset");

let tenantId = "";
let keeper = "";
const NEW_TOKEN = { name: "pipeline", expiresInDays: 30, scopes: ["sandboxes:read" as const] };

beforeAll(async () => {
  tenantId = (await db.tenant.create({ data: { customerId: "Cust52001", companyName: "Alpha AS", productionUrlEncrypted: "sealed" } })).id;
  keeper = (await db.user.create({ data: { email: "keeper@alpha.example", name: "Keeper", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
});

const admin = async (email: string) => (await db.user.create({ data: { email, name: email.split("@")[0]!, role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-" } })).id;
const actorOf = async (id: string) => (await loadActor(id))!;
const works = async (token: string) =>
  authenticateApiRequest(new Request("http://portal.test/api/v1/sandboxes", { headers: { authorization: `Bearer ${token}` } })).then(
    () => true,
    () => false,
  );

/** Until `work` has settled, or waits for a lock some other transaction holds. */
async function settledOrWaiting(work: Promise<unknown>): Promise<void> {
  let settled = false;
  void work.finally(() => (settled = true));
  for (let tries = 0; tries < 200 && !settled; tries++) {
    const [row] = await db.$queryRaw<{ waiting: number }[]>`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (row!.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("a token asked for as its owner's rights change", () => {
  it("is refused once the owner was demoted meanwhile, and no token wakes up when they are made admin again", async () => {
    const id = await admin("demoted@alpha.example");
    const asRead = await actorOf(id);
    const other = await actorOf(keeper);
    await setPersonRole(other, id, "CUSTOMER_USER");
    await expect(createToken(asRead, NEW_TOKEN)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await setPersonRole(other, id, "CUSTOMER_ADMIN");
    expect(await db.apiToken.count({ where: { ownerId: id, revokedAt: null } })).toBe(0);
  });

  it("is refused once the owner was disabled meanwhile", async () => {
    const id = await admin("disabled@alpha.example");
    const asRead = await actorOf(id);
    await disablePerson(await actorOf(keeper), id);
    await expect(createToken(asRead, NEW_TOKEN)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.apiToken.count({ where: { ownerId: id, revokedAt: null } })).toBe(0);
  });

  it("races with the demotion: either the token was made first and is revoked, or it is refused", async () => {
    const other = await actorOf(keeper);
    for (let round = 0; round < 5; round++) {
      const id = await admin(`racing${round}@alpha.example`);
      const asRead = await actorOf(id);
      const [made] = await Promise.allSettled([createToken(asRead, NEW_TOKEN), setPersonRole(other, id, "CUSTOMER_USER")]);
      await setPersonRole(other, id, "CUSTOMER_ADMIN");
      if (made.status === "fulfilled") expect(await works(made.value.token)).toBe(false);
      expect(await db.apiToken.count({ where: { ownerId: id, revokedAt: null } })).toBe(0);
    }
  });

  it("made while another admin's change holds the organisation, is made and then revoked: neither waits for the other in a circle", async () => {
    // The order of a People change: the organisation's row, then the person. The token's
    // transaction locks its owner, then writes rows naming the organisation; with the
    // organisation locked FOR UPDATE that was a deadlock, and PostgreSQL failed one of the two.
    const id = await admin("meanwhile@alpha.example");
    const asRead = await actorOf(id);
    let asked: Promise<unknown> = Promise.resolve();
    await db.$transaction(
      async (tx) => {
        await lockAsAdmin(tx, await actorOf(keeper));
        asked = createToken(asRead, NEW_TOKEN).then(
          (made) => made,
          (error: unknown) => error,
        );
        await settledOrWaiting(asked);
        await tx.user.updateMany({ where: { id }, data: { role: "CUSTOMER_USER" } });
        await revokeWorkingTokens(tx, { ownerId: id });
      },
      { timeout: 20_000 },
    );
    const made = await asked;
    expect(made).toHaveProperty("token");
    expect(await works((made as { token: string }).token)).toBe(false);
  });

  it("is refused once the owner's password was reset meanwhile: a token minted from a session the reset ended does not outlive it", async () => {
    const id = (await db.user.create({ data: { email: "reset@alpha.example", name: "reset", role: "CUSTOMER_ADMIN", tenantId, passwordHash: "-", passwordChangedAt: new Date(Date.now() - 3_600_000) } })).id;
    // Its session signed in ten minutes ago (recent enough for a token), read as the request began.
    const asRead = (await loadActor(id, Math.floor(Date.now() / 1000) - 600, true))!;
    const link = await issuePasswordLink(db, id, new Date(), 30);
    await resetPassword({ token: link, newPassword: "the owner's new password", confirmPassword: "the owner's new password" });
    await expect(createToken(asRead, NEW_TOKEN)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.apiToken.count({ where: { ownerId: id } })).toBe(0);
  });

  it("is still made for an admin who stays one", async () => {
    const made = await createToken(await actorOf(keeper), NEW_TOKEN);
    expect(await works(made.token)).toBe(true);
  });
});
