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

  it("is still made for an admin who stays one", async () => {
    const made = await createToken(await actorOf(keeper), NEW_TOKEN);
    expect(await works(made.token)).toBe(true);
  });
});
