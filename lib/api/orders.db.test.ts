/**
 * Ordering and confirming the setup through the API: the order page's and the
 * wizard's own services and schemas, so the same refusals hold; an Idempotency-Key
 * makes a CI retry place one order. A refresh with changed choices is checked as
 * the wizard's refresh mode checks them.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { makeTempDir } from "../testing/temp-dir";

vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { buildWorld } = await import("../testing/test-world");
const { createToken } = await import("../api-tokens/mutations");
const { loadActor } = await import("../auth/load-actor");
const { POST: orderRoute } = await import("../../app/api/v1/sandboxes/route");
const { POST: setupRoute } = await import("../../app/api/v1/sandboxes/[id]/setup/route");
const { POST: refreshRoute } = await import("../../app/api/v1/sandboxes/[id]/refresh/route");
const { OrderPlacedSchema, RunStartedSchema, ProblemSchema } = await import("./schemas");

let world: World;
const PLANS = { "sales-essentials": 0, "sales-premium": 2, "service-essentials": 0, "service-premium": 1, marketing: 0, complete: 0 };
const ORDER = { name: "CI order", planCounts: PLANS, acknowledgeDeadEnd: true, acknowledgeNotBackup: true };
const tokenFor = async (userId: string) => (await createToken((await loadActor(userId, undefined, true))!, { name: "ci", expiresInDays: 7, scopes: ["sandboxes:write"] })).token;
const post = (bearer: string, url: string, body: unknown, key?: string) =>
  new Request(`http://portal.test${url}`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const order = (bearer: string, body: unknown, key?: string) => orderRoute(post(bearer, "/api/v1/sandboxes", body, key), { params: Promise.resolve({}) });
const setup = (bearer: string, id: string, body: unknown) => setupRoute(post(bearer, `/api/v1/sandboxes/${id}/setup`, body), { params: Promise.resolve({ id }) });
const refresh = (bearer: string, id: string, body: unknown) => refreshRoute(post(bearer, `/api/v1/sandboxes/${id}/refresh`, body), { params: Promise.resolve({ id }) });

beforeAll(async () => {
  process.env.OUTBOX_DIR = await makeTempDir("outbox-");
  world = await buildWorld();
});
afterAll(async () => {
  await stopBoss();
});

describe("ordering through the API", () => {
  it("places a customer admin's order for their own customer, once per Idempotency-Key, with the order form's refusals", async () => {
    const admin = await tokenFor(world.users.adminA);
    // A customer's own order names no customer: naming one is refused, not passed over.
    const naming = await order(admin, { ...ORDER, customerId: "Cust40002" });
    expect(naming.status).toBe(422);
    expect(ProblemSchema.parse(await naming.json()).errors).toEqual({ customerId: ["Not a field of this request."] });
    const first = await order(admin, ORDER, "ci-order-1");
    expect(first.status).toBe(201);
    const placed = OrderPlacedSchema.parse(await first.json());
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: placed.sandboxId } })).toMatchObject({ tenantId: world.tenantA, name: "CI order", status: "AWAITING_SETUP" });
    const retried = await order(admin, ORDER, "ci-order-1");
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    // Where the new sandbox is (RFC 9110 Location), on the replay too.
    expect(first.headers.get("location")).toBe(`/api/v1/sandboxes/${placed.sandboxId}`);
    expect(retried.headers.get("location")).toBe(`/api/v1/sandboxes/${placed.sandboxId}`);
    expect(await db.sandbox.count({ where: { name: "CI order" } })).toBe(1);

    const taken = await order(admin, ORDER);
    expect(taken.status).toBe(422);
    expect(ProblemSchema.parse(await taken.json())).toMatchObject({ code: "invalid_input", errors: { name: expect.any(Array) } });
    const unacknowledged = await order(admin, { ...ORDER, name: "No ack", acknowledgeNotBackup: false });
    expect(ProblemSchema.parse(await unacknowledged.json()).errors).toHaveProperty("acknowledgeNotBackup");
    expect((await order(admin, "{not json")).status).toBe(422);
    // PostgreSQL stores no NUL: refused by field, before anything is written (it answered 500).
    const nul = await order(admin, { ...ORDER, name: "Nul note", note: "a\u0000b" });
    expect(nul.status).toBe(422);
    expect(ProblemSchema.parse(await nul.json()).errors).toEqual({ note: ["Remove the NUL character (U+0000): it cannot be stored."] });
    expect(await db.sandbox.count({ where: { name: "Nul note" } })).toBe(0);
  });

  it("lets an operator order for a customer named by its number, as answers name it, and refuses an unknown one", async () => {
    const operator = await tokenFor(world.users.operator);
    const placed = await order(operator, { ...ORDER, name: "Operator order", customerId: "Cust40002" });
    expect(placed.status).toBe(201);
    expect(await db.sandbox.findFirstOrThrow({ where: { name: "Operator order" } })).toMatchObject({ tenantId: world.tenantB, orderedOnBehalf: true });
    const unknown = await order(operator, { ...ORDER, name: "Nobody", customerId: "Cust99999" });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ errors: { customerId: ["No customer of the portal's has this number."] } });
    // The portal's own ids are no customer's number.
    const byTenantId = await order(operator, { ...ORDER, name: "Nobody", tenantId: world.tenantB });
    expect(await byTenantId.json()).toMatchObject({ errors: { customerId: expect.any(Array), tenantId: ["Not a field of this request."] } });
  });

  it("confirms the setup with the wizard's choices, then refreshes with changed ones; another customer's sandbox is 404", async () => {
    const admin = await tokenFor(world.users.adminA);
    const { sandboxId } = OrderPlacedSchema.parse(await (await order(admin, { ...ORDER, name: "To set up" })).json());
    const production = new pg.Client({ connectionString: world.productionUrl });
    await production.connect();
    const { rows } = await production.query<{ id: number }>("SELECT id FROM associate WHERE can_login ORDER BY id LIMIT 2");
    await production.end();
    const options = { users: [{ associateId: rows[0]!.id, userPlan: "sales-premium" }, { associateId: rows[1]!.id, userPlan: "service-premium" }] };

    expect((await setup(await tokenFor(world.users.adminB), sandboxId, { options, acknowledgeNoGoingBack: true })).status).toBe(404);
    const unacknowledged = await setup(admin, sandboxId, { options });
    expect(unacknowledged.status).toBe(422);
    expect(await unacknowledged.json()).toMatchObject({ errors: { acknowledgeNoGoingBack: expect.any(Array) } });
    // More plans than ordered: the wizard's own refusal.
    const tooMany = await setup(admin, sandboxId, { options: { users: [{ associateId: rows[0]!.id, userPlan: "complete" }] }, acknowledgeNoGoingBack: true });
    expect(tooMany.status).toBe(422);

    const confirmed = await setup(admin, sandboxId, { options, acknowledgeNoGoingBack: true });
    expect(confirmed.status).toBe(202);
    const { runId } = RunStartedSchema.parse(await confirmed.json());
    expect(await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ sandboxId, kind: "PROVISION", status: "QUEUED", requestedById: world.users.adminA });
    expect(await db.auditEvent.count({ where: { action: "sandbox.wizard.confirmed", targetId: sandboxId } })).toBe(1);
    const again = await setup(admin, sandboxId, { options, acknowledgeNoGoingBack: true });
    expect(again.status).toBe(409);

    // The copy is made; CI refreshes with changed choices, checked as the wizard's refresh mode checks them.
    await db.sandboxRun.update({ where: { id: runId }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
    await db.sandbox.update({ where: { id: sandboxId }, data: { status: "READY", databaseName: "sbx_api_refresh" } });
    const changed = { users: [{ associateId: rows[1]!.id, userPlan: "sales-premium" }], invalidationDomain: "sandbox.alpha.example" };
    expect((await refresh(await tokenFor(world.users.adminB), sandboxId, { options: changed, acknowledgeOverwrite: true })).status).toBe(404);
    const unconfirmed = await refresh(admin, sandboxId, { options: changed });
    expect(await unconfirmed.json()).toMatchObject({ code: "invalid_input", errors: { acknowledgeOverwrite: expect.any(Array) } });
    const beyondOrder = await refresh(admin, sandboxId, { options: { users: [{ associateId: rows[0]!.id, userPlan: "complete" }] }, acknowledgeOverwrite: true });
    expect(beyondOrder.status).toBe(422);
    expect(await db.sandboxRun.count({ where: { sandboxId, kind: "REFRESH" } })).toBe(0);

    const refreshed = await refresh(admin, sandboxId, { options: changed, acknowledgeOverwrite: true });
    expect(refreshed.status).toBe(202);
    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: RunStartedSchema.parse(await refreshed.json()).runId } });
    expect(run).toMatchObject({ kind: "REFRESH", status: "QUEUED" });
    expect(run.options).toMatchObject({ users: changed.users, invalidationDomain: "sandbox.alpha.example" });
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "sandbox.refresh.requested", targetId: sandboxId } })).toMatchObject({ details: { choicesEdited: true } });
  });

  it("sets up the kind ordered when the setup names none, and a refresh changes only the choices it names", async () => {
    const admin = await tokenFor(world.users.adminA);
    const { sandboxId } = OrderPlacedSchema.parse(await (await order(admin, { ...ORDER, name: "Config by API", kind: "config" })).json());
    const production = new pg.Client({ connectionString: world.productionUrl });
    await production.connect();
    const { rows } = await production.query<{ id: number }>("SELECT id FROM associate WHERE can_login ORDER BY id LIMIT 1");
    await production.end();
    const users = [{ associateId: rows[0]!.id, userPlan: "sales-premium" }];

    // The order said configuration only; a setup that does not name a kind copies that, not every customer record.
    const confirmed = await setup(admin, sandboxId, { options: { users }, acknowledgeNoGoingBack: true });
    expect(confirmed.status).toBe(202);
    const { runId } = RunStartedSchema.parse(await confirmed.json());
    expect((await db.sandboxRun.findUniqueOrThrow({ where: { id: runId } })).options).toMatchObject({ kind: "config" });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).options).toMatchObject({ kind: "config" });

    // The copy is made, people pseudonymised (as the wizard or the CLI chose); CI then refreshes naming only the kind it wants.
    // Files chosen before the kind was switched to configuration only stay in its saved choices, hidden by the wizard.
    const saved = {
      ...((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxId } })).options as object),
      personalData: "pseudonymise",
      invalidationDomain: "sandbox.alpha.example",
      documents: { mode: "all" },
      serviceAttachments: true,
    };
    await db.sandboxRun.update({ where: { id: runId }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
    await db.sandbox.update({ where: { id: sandboxId }, data: { status: "READY", databaseName: "sbx_api_kind", options: saved } });
    const refreshed = await refresh(admin, sandboxId, { options: { kind: "partial", share: { by: "percent", percent: 20 } }, acknowledgeOverwrite: true });
    expect(refreshed.status).toBe(202);
    const run = await db.sandboxRun.findUniqueOrThrow({ where: { id: RunStartedSchema.parse(await refreshed.json()).runId } });
    // What it did not name stays as saved: people stay pseudonymised, the same people keep their access.
    expect(run.options).toMatchObject({ kind: "partial", share: { by: "percent", percent: 20 }, personalData: "pseudonymise", users, invalidationDomain: "sandbox.alpha.example" });
    // But not the files a configuration-only copy never took: unnamed, they are left out, as nobody saw them chosen.
    expect(run.options).toMatchObject({ documents: { mode: "none" }, serviceAttachments: false });
  });

  it("refuses a choice it does not read, rather than copy with its default: a misspelt personal data choice copied real people", async () => {
    const admin = await tokenFor(world.users.adminA);
    const { sandboxId } = OrderPlacedSchema.parse(await (await order(admin, { ...ORDER, name: "Misspelt" })).json());
    const production = new pg.Client({ connectionString: world.productionUrl });
    await production.connect();
    const { rows } = await production.query<{ id: number }>("SELECT id FROM associate WHERE can_login ORDER BY id LIMIT 1");
    await production.end();
    const users = [{ associateId: rows[0]!.id, userPlan: "sales-premium" }];
    const misspelt = await setup(admin, sandboxId, { options: { users, personal_data: "pseudonymise" }, acknowledgeNoGoingBack: true });
    expect(misspelt.status).toBe(422);
    expect(ProblemSchema.parse(await misspelt.json()).errors).toEqual({ "options.personal_data": ["Not a field of this request."] });
    const outside = await setup(admin, sandboxId, { options: { users }, personalData: "pseudonymise", acknowledgeNoGoingBack: true });
    expect(ProblemSchema.parse(await outside.json()).errors).toEqual({ personalData: ["Not a field of this request."] });
    expect(await db.sandboxRun.count({ where: { sandboxId } })).toBe(0);

    const confirmed = await setup(admin, sandboxId, { options: { users, personalData: "pseudonymise" }, acknowledgeNoGoingBack: true });
    expect(confirmed.status).toBe(202);
    const { runId } = RunStartedSchema.parse(await confirmed.json());
    await db.sandboxRun.update({ where: { id: runId }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
    await db.sandbox.update({ where: { id: sandboxId }, data: { status: "READY", databaseName: "sbx_api_misspelt" } });
    const refreshMisspelt = await refresh(admin, sandboxId, { options: { kind: "config", personaldata: "keep" }, acknowledgeOverwrite: true });
    expect(refreshMisspelt.status).toBe(422);
    expect(ProblemSchema.parse(await refreshMisspelt.json()).errors).toEqual({ "options.personaldata": ["Not a field of this request."] });
    expect(await db.sandboxRun.count({ where: { sandboxId, kind: "REFRESH" } })).toBe(0);
  });

  it("refuses a body over 64 KB with 413, declared or streamed, and a list longer than any sandbox needs with one short problem", async () => {
    const admin = await tokenFor(world.users.adminA);
    const { sandboxId } = OrderPlacedSchema.parse(await (await order(admin, { ...ORDER, name: "Too big" })).json());
    // 100,000 empty users: each once made two problems, the answer tens of MB and the server's thread busy for seconds.
    const huge = JSON.stringify({ options: { users: Array.from({ length: 100_000 }, () => ({})) }, acknowledgeNoGoingBack: true });
    const declared = await setup(admin, sandboxId, huge);
    expect(declared.status).toBe(413);
    expect(ProblemSchema.parse(await declared.json())).toMatchObject({ code: "payload_too_large" });
    // Chunked, with no length declared: refused once 64 KB have arrived.
    const chunks = new TextEncoder().encode(huge);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < chunks.length; at += 16_384) controller.enqueue(chunks.subarray(at, at + 16_384));
        controller.close();
      },
    });
    const streamed = new Request(`http://portal.test/api/v1/sandboxes/${sandboxId}/setup`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await setupRoute(streamed, { params: Promise.resolve({ id: sandboxId }) })).status).toBe(413);

    // Under the bound, still more users than any sandbox may have: one problem, not one per item.
    const many = await setup(admin, sandboxId, { options: { users: Array.from({ length: 5_000 }, () => ({})) }, acknowledgeNoGoingBack: true });
    expect(many.status).toBe(422);
    const answer = ProblemSchema.parse(await many.json());
    expect(answer.errors?.["options.users"]?.join(" ")).toContain("at most 250 users");
    expect(Object.keys(answer.errors ?? {}).length).toBeLessThanOrEqual(2);
    expect(await db.sandboxRun.count({ where: { sandboxId } })).toBe(0);
  });

  it("answers an order no sandbox server has room for with 503 no_capacity, as the document says it may", async () => {
    const admin = await tokenFor(world.users.adminA);
    const active = await db.sandboxServer.findMany({ where: { state: "ACTIVE" }, select: { id: true } });
    await db.sandboxServer.updateMany({ where: { id: { in: active.map((s) => s.id) } }, data: { state: "DRAINING" } });
    try {
      const refused = await order(admin, { ...ORDER, name: "No room" });
      expect(refused.status).toBe(503);
      expect(ProblemSchema.parse(await refused.json())).toMatchObject({ code: "no_capacity" });
      expect(await db.sandbox.count({ where: { name: "No room" } })).toBe(0);
    } finally {
      await db.sandboxServer.updateMany({ where: { id: { in: active.map((s) => s.id) } }, data: { state: "ACTIVE" } });
    }
    const { openApiDocument } = await import("./openapi");
    const responses = (openApiDocument().paths["/sandboxes"]!.post as { responses: Record<string, { description: string }> }).responses;
    expect(responses["503"]?.description).toContain("No sandbox server has room right now.");
  });
});
