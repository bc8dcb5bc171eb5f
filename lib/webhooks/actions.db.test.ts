/**
 * Who may register, remove and replay webhooks through the page's server actions:
 * every role, signed out, and another customer's admin, against one customer's
 * endpoint and delivery. Only the session is faked; users, roles and rows are real.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { createEndpointAction, deleteEndpointAction, replayDeliveryAction } = await import("./actions");

let ids: { tenantA: string; tenantB: string; adminA: string; userA: string; adminB: string; sales: string; operator: string };
let n = 0;

/** Tenant A's endpoint with one failed delivery: what a replay or a removal acts on. */
async function endpointWithFailedDelivery() {
  n++;
  const endpoint = await db.webhookEndpoint.create({
    data: { tenantId: ids.tenantA, url: `https://hooks.alpha.example/${n}`, events: ["sandbox.ready"], secretEncrypted: "sealed", createdById: ids.adminA },
  });
  const delivery = await db.webhookDelivery.create({
    data: { endpointId: endpoint.id, messageId: `msg_actions_${n}`, eventType: "sandbox.ready", payload: "{}", status: "FAILED", attempts: 5 },
  });
  return { endpoint, delivery };
}

beforeAll(async () => {
  const tenant = async (customerId: string, companyName: string) => (await db.tenant.create({ data: { customerId, companyName, productionUrlEncrypted: "sealed" } })).id;
  const tenantA = await tenant("Cust54001", "Alpha AS");
  const tenantB = await tenant("Cust54002", "Beta AB");
  const user = async (email: string, role: "CUSTOMER_ADMIN" | "CUSTOMER_USER" | "SALES_REP" | "OPERATOR", tenantId: string | null) =>
    (await db.user.create({ data: { email, name: email.split("@")[0]!, role, tenantId, passwordHash: "-" } })).id;
  ids = {
    tenantA,
    tenantB,
    adminA: await user("admin@alpha.example", "CUSTOMER_ADMIN", tenantA),
    userA: await user("user@alpha.example", "CUSTOMER_USER", tenantA),
    adminB: await user("admin@beta.example", "CUSTOMER_ADMIN", tenantB),
    sales: await user("sales@portal.example", "SALES_REP", null),
    operator: await user("operator@portal.example", "OPERATOR", null),
  };
});
beforeEach(() => signInAs(null));
afterEach(async () => {
  signInAs(null);
  // Deliveries go with their endpoint (cascade); audit rows name them only by id.
  await db.webhookEndpoint.deleteMany({});
});

/** Everyone but tenant A's admin, and what each is told: none of them may touch tenant A's webhooks. */
const refusedCallers = () =>
  [
    ["signed out", null, "UNAUTHENTICATED"],
    ["customer user", ids.userA, "FORBIDDEN"],
    ["sales rep", ids.sales, "FORBIDDEN"],
    // Operators run the servers, but a customer's webhooks are the customer's to manage.
    ["operator", ids.operator, "FORBIDDEN"],
    // May manage webhooks, but only their own tenant's: tenant A's rows are not found for them.
    ["another customer's admin", ids.adminB, "NOT_FOUND"],
  ] as const;

describe("the webhook page's actions", () => {
  it("register an endpoint only for a customer admin, in the admin's own tenant, with the secret shown once and audited", async () => {
    const input = { url: "https://hooks.alpha.example/ci", description: "CI", events: ["sandbox.ready" as const] };
    for (const [who, userId, code] of [
      ["signed out", null, "UNAUTHENTICATED"],
      ["customer user", ids.userA, "FORBIDDEN"],
      ["sales rep", ids.sales, "FORBIDDEN"],
      ["operator", ids.operator, "FORBIDDEN"],
    ] as const) {
      signInAs(userId);
      expect(await createEndpointAction(input), who).toMatchObject({ ok: false, code });
    }
    expect(await db.webhookEndpoint.count()).toBe(0);

    signInAs(ids.adminA);
    const made = await createEndpointAction(input);
    expect(made).toMatchObject({ ok: true, data: { url: input.url, secret: expect.stringMatching(/^whsec_/) } });
    const row = await db.webhookEndpoint.findFirstOrThrow({ where: { url: input.url } });
    expect(row).toMatchObject({ tenantId: ids.tenantA, createdById: ids.adminA, events: ["sandbox.ready"] });
    expect(await db.auditEvent.count({ where: { action: "webhook.created", targetId: row.id, actorId: ids.adminA, tenantId: ids.tenantA } })).toBe(1);

    // Another customer's admin names no tenant: whatever they register is their own tenant's, never A's.
    signInAs(ids.adminB);
    expect(await createEndpointAction({ ...input, url: "https://hooks.beta.example/ci" })).toMatchObject({ ok: true });
    expect(await db.webhookEndpoint.findFirstOrThrow({ where: { url: "https://hooks.beta.example/ci" } })).toMatchObject({ tenantId: ids.tenantB });
    expect(await db.webhookEndpoint.count({ where: { tenantId: ids.tenantA } })).toBe(1);
  });

  it("remove an endpoint only for its own customer's admin", async () => {
    const { endpoint } = await endpointWithFailedDelivery();
    for (const [who, userId, code] of refusedCallers()) {
      signInAs(userId);
      expect(await deleteEndpointAction({ id: endpoint.id }), who).toMatchObject({ ok: false, code });
      expect(await db.webhookEndpoint.count({ where: { id: endpoint.id } }), who).toBe(1);
    }
    expect(await db.auditEvent.count({ where: { action: "webhook.deleted", targetId: endpoint.id } })).toBe(0);

    signInAs(ids.adminA);
    expect(await deleteEndpointAction({ id: endpoint.id })).toEqual({ ok: true, data: { url: endpoint.url } });
    expect(await db.webhookEndpoint.count({ where: { id: endpoint.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "webhook.deleted", targetId: endpoint.id, actorId: ids.adminA } })).toBe(1);
  });

  it("replay a delivery only for its own customer's admin", async () => {
    const { endpoint, delivery } = await endpointWithFailedDelivery();
    const replays = () => db.webhookDelivery.count({ where: { replayOfId: delivery.id } });
    for (const [who, userId, code] of refusedCallers()) {
      signInAs(userId);
      expect(await replayDeliveryAction({ id: delivery.id }), who).toMatchObject({ ok: false, code });
      expect(await replays(), who).toBe(0);
    }
    expect(await db.auditEvent.count({ where: { action: "webhook.replayed", targetId: endpoint.id } })).toBe(0);

    signInAs(ids.adminA);
    const replayed = await replayDeliveryAction({ id: delivery.id });
    expect(replayed).toMatchObject({ ok: true, data: { deliveryId: expect.any(String) } });
    const { deliveryId } = (replayed as { data: { deliveryId: string } }).data;
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ replayOfId: delivery.id, messageId: delivery.messageId, status: "PENDING" });
    expect(await db.auditEvent.count({ where: { action: "webhook.replayed", targetId: endpoint.id, actorId: ids.adminA } })).toBe(1);
  });
});
