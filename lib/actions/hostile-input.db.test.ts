/**
 * Server actions called as a hostile client would, past the forms: input no form sends,
 * which must come back as INVALID_INPUT naming the field, never as INTERNAL (a 500) or as
 * a failure on production's side, and never be stored.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";
import { orderInput } from "@/lib/testing/order-input";
import { makeTempDir } from "../testing/temp-dir";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { buildWorld } = await import("../testing/test-world");
const { createOrderAction, cancelOrderAction } = await import("../orders/actions");
const { dryRunAction, saveWizardDraftAction } = await import("../wizard/actions");
const { createTokenAction } = await import("../api-tokens/actions");
const { getRunReport } = await import("../sandboxes/queries");
const { createEndpointAction } = await import("../webhooks/actions");
const { invitePersonAction } = await import("../people/actions");
const { retryRecentFailuresAction } = await import("../operations/actions");
const { createToken } = await import("../api-tokens/mutations");
const { POST: orderRoute } = await import("../../app/api/v1/sandboxes/route");
const { loadActor } = await import("../auth/load-actor");

/** Half of a surrogate pair: JSON.parse and a server action's reply both hand it over as is. */
const LONE = "before \ud800 after";

let world: World;
let sandboxA = "";
let associate = 0;
const draft = (overrides: Record<string, unknown> = {}) => ({ sandboxId: sandboxA, step: 1, options: { users: [{ associateId: associate, userPlan: "sales-premium" }] }, ...overrides });

describe("hostile input to the server actions", () => {
  beforeAll(async () => {
    process.env.OUTBOX_DIR = await makeTempDir("outbox-");
    world = await buildWorld();
    const production = new pg.Client({ connectionString: world.productionUrl });
    await production.connect();
    associate = (await production.query<{ id: number }>("SELECT id FROM associate WHERE can_login ORDER BY id LIMIT 1")).rows[0]!.id;
    await production.end();
    sandboxA = (
      await db.sandbox.create({
        data: { tenantId: world.tenantA, name: "A one", orderedById: world.users.adminA, sandboxCustomerId: "Cust900001", planCounts: { "sales-premium": 1, "service-premium": 1 } },
        select: { id: true },
      })
    ).id;
  });
  afterAll(async () => {
    await stopBoss();
  });
  beforeEach(() => signInAs(world.users.adminA));

  it("refuses half a surrogate pair by field, where jsonb would have failed the write as a 500", async () => {
    const token = await createTokenAction({ name: LONE, expiresInDays: 30, scopes: ["sandboxes:read"] });
    expect(token).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { name: [expect.stringMatching(/broken character/)] } });
    const wizard = await saveWizardDraftAction(draft({ confirmations: { realMailDomain: LONE, noAccessReason: LONE } }) as never);
    expect(wizard).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { "confirmations.realMailDomain": expect.any(Array), "confirmations.noAccessReason": expect.any(Array) } });
    const order = await createOrderAction(orderInput({ name: "Lone order" }));
    if (!order.ok) throw new Error(order.message);
    expect(await cancelOrderAction({ sandboxId: order.data.sandboxId, reason: LONE })).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { reason: expect.any(Array) } });
    // Stored as U+FFFD in a text column, not as typed: refused there too.
    expect(await createOrderAction(orderInput({ name: "Lone note", note: LONE }))).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { note: expect.any(Array) } });
    expect(await db.apiToken.count()).toBe(0);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA } })).wizardDraft).toBeNull();
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: order.data.sandboxId } })).status).toBe("AWAITING_SETUP");
  });

  it("refuses ids and days production cannot read, rather than answering that production cannot be reached", async () => {
    const users = [{ associateId: 2 ** 40, userPlan: "sales-premium" }];
    expect(await dryRunAction(draft({ options: { users } }) as never)).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { "options.users.0.associateId": expect.any(Array) } });
    const options = draft().options;
    const documents = { mode: "since", since: "0000-01-01" };
    expect(await dryRunAction(draft({ options: { ...options, documents } }) as never)).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { "options.documents.since": expect.any(Array) } });
    const share = { by: "since", since: "0000-01-01" };
    expect(await dryRunAction(draft({ options: { ...options, kind: "partial", share } }) as never)).toMatchObject({ ok: false, code: "INVALID_INPUT", fieldErrors: { "options.share.since": expect.any(Array) } });
    // Saved in a draft, it would have failed the copy.
    expect(await saveWizardDraftAction(draft({ options: { ...options, documents } }) as never)).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA } })).wizardDraft).toBeNull();
    // A day as old as any CRM row still counts on production.
    expect(await dryRunAction(draft({ options: { ...options, documents: { mode: "since", since: "1900-01-01" } } }) as never)).toMatchObject({ ok: true });
  });

  it("refuses a list of ids longer than the field takes at once, by its length, not id by id", async () => {
    // A server action takes a body of 1 MB: half a million zeros, each checked and told as a problem
    // first, held the web server's one thread for seconds and a quarter of a gigabyte, for every tenant.
    const zeros = Array<number>(500_000).fill(0);
    const options = draft().options;
    let started = Date.now();
    expect(await saveWizardDraftAction(draft({ options: { ...options, keepEnabledTaskIds: zeros } }) as never)).toEqual({
      ok: false,
      code: "INVALID_INPUT",
      message: expect.any(String),
      fieldErrors: { "options.keepEnabledTaskIds": ["Keep at most 1,000 scheduled tasks enabled."] },
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    started = Date.now();
    expect(await dryRunAction(draft({ options: { ...options, kind: "partial", share: { by: "companies", ids: zeros } } }) as never)).toEqual({
      ok: false,
      code: "INVALID_INPUT",
      message: expect.any(String),
      fieldErrors: { "options.share.ids": ["Name at most 1,000 companies."] },
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    // Within the bound, each id is still checked, and a repeated one refused.
    expect(await dryRunAction(draft({ options: { ...options, keepEnabledTaskIds: [0, 1, 1] } }) as never)).toMatchObject({
      ok: false,
      fieldErrors: { "options.keepEnabledTaskIds.0": expect.any(Array), "options.keepEnabledTaskIds": ["Each id may appear only once."] },
    });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA } })).wizardDraft).toBeNull();
  });

  it("finds no run for a sandbox page's ?run= that is no id, NUL included, rather than failing the page", async () => {
    const actor = (await loadActor(world.users.adminA))!;
    for (const runId of ["\u0000", "a\u0000b", "x".repeat(65), "../x"]) expect(await getRunReport(actor, sandboxA, runId)).toBeNull();
  });

  it("refuses text of nothing visible, and controls that make text read other than it was written", async () => {
    const refused = (field: string) => ({ ok: false, code: "INVALID_INPUT", fieldErrors: { [field]: expect.any(Array) } });
    const scopes = ["sandboxes:read" as const];
    for (const name of ["\u200b\u200b", "\u0001\u0002", "\u200b\u00ad\u2060", "ci\u001b[2Jbot", "\u202eexe.jpg"]) expect(await createTokenAction({ name, expiresInDays: 30, scopes }), JSON.stringify(name)).toMatchObject(refused("name"));
    const events = ["sandbox.ready" as const];
    expect(await createEndpointAction({ url: "https://93.184.216.34/hook", description: "Deploys \u202egpj.exe", events })).toMatchObject(refused("description"));
    expect(await createEndpointAction({ url: "https://93.184.216.34/\u202ekooh", description: "", events })).toMatchObject(refused("url"));
    expect(await createOrderAction(orderInput({ name: "Escaped note", note: "red \u001b[31m text" }))).toMatchObject(refused("note"));
    expect(await saveWizardDraftAction(draft({ options: { users: [] }, confirmations: { noAccessReason: "\u200b".repeat(12) } }) as never)).toMatchObject(refused("confirmations.noAccessReason"));
    expect(await invitePersonAction({ name: "\u0301\u0301", email: "marks@alpha.example", role: "CUSTOMER_USER" })).toMatchObject(refused("name"));
    expect(await db.apiToken.count()).toBe(0);
    expect(await db.webhookEndpoint.count()).toBe(0);
    expect(await db.user.count({ where: { email: "marks@alpha.example" } })).toBe(0);

    // What people write passes: lines in a note, right-to-left text with its marks, emoji joined, names in any script.
    const note = "Line one\n\tLine two: שלום\u200f עולם, 👩\u200d💻";
    const order = await createOrderAction(orderInput({ name: "Written note", note }));
    expect(order).toMatchObject({ ok: true });
    expect(await createTokenAction({ name: "Déploiement – نشر", expiresInDays: 30, scopes })).toMatchObject({ ok: true });
    expect(await invitePersonAction({ name: "Ærlig Øyvind-Åsen", email: "oyvind@alpha.example", role: "CUSTOMER_USER" })).toMatchObject({ ok: true });
  });

  it("names a strict schema's unknown keys as fields, Object.prototype's names included, rather than failing as a 500", async () => {
    signInAs(world.users.operator);
    const retried = await retryRecentFailuresAction(JSON.parse('{"sandboxIds":["x"],"constructor":1,"toString":2}') as never);
    expect(retried).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    expect(Object.keys((retried as { fieldErrors: object }).fieldErrors).sort()).toEqual(["constructor", "toString"]);

    const bearer = (await createToken((await loadActor(world.users.adminA))!, { name: "ci", expiresInDays: 7, scopes: ["sandboxes:write"] })).token;
    const body = JSON.stringify(orderInput({ name: "Api order" })).replace("{", '{"__proto__":{"admin":true},"constructor":1,');
    const response = await orderRoute(new Request("http://portal.test/api/v1/sandboxes", { method: "POST", headers: { authorization: `Bearer ${bearer}` }, body }), { params: Promise.resolve({}) } as never);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: Record<string, string[]> };
    expect(Object.keys(problem.errors).sort()).toEqual(["__proto__", "constructor"]);
    expect(await db.sandbox.count({ where: { name: "Api order" } })).toBe(0);
  });

  it("keeps one spelling of a name, so an é typed as e + ´ cannot name a second sandbox of the same name", async () => {
    const first = await createOrderAction(orderInput({ name: "Caf\u00e9 copy" }));
    expect(first).toMatchObject({ ok: true });
    expect(await createOrderAction(orderInput({ name: "Cafe\u0301 copy" }))).toMatchObject({ ok: false, fieldErrors: { name: expect.any(Array) } });
    expect(await db.sandbox.count({ where: { tenantId: world.tenantA, name: { in: ["Caf\u00e9 copy", "Cafe\u0301 copy", "CAF\u00c9 copy"] } } })).toBe(1);
    const decomposed = await createOrderAction(orderInput({ name: "Re\u0301sume\u0301 copy" }));
    if (!decomposed.ok) throw new Error(decomposed.message);
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: decomposed.data.sandboxId } })).name).toBe("R\u00e9sum\u00e9 copy");
  });
});
