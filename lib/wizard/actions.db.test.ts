import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { usePortalDatabase } from "../testing/portal-db";
import type { World } from "../testing/test-world";
import { signInAs } from "@/lib/testing/fake-session";

vi.mock("next-auth", () => import("@/lib/testing/fake-session"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

usePortalDatabase();

const { db } = await import("../db/portal");
const { stopBoss } = await import("../jobs/queue");
const { buildWorld } = await import("../testing/test-world");
const { saveWizardDraftAction, dryRunAction, confirmWizardAction } = await import("./actions");
const { rewriteWebPanelUrl } = await import("../sanitizer/rules/rule-06-web-panels");
const { confirmWizard, requireOpenWizard } = await import("./mutations");
const { requestRun } = await import("../jobs/lifecycle");
const { loadActor } = await import("../auth/load-actor");
const { sandboxOptionsSchema } = await import("../sanitizer/options");
const { wizardDraftSchema } = await import("./schema");

let world: World;
let sandboxA = "";
let sandboxB = "";
let production: pg.Client;
const one = async (sql: string) => Number((await production.query<{ n: string }>(sql)).rows[0]!.n);

/** Two associates who can log in, a real task id, everything else default. */
async function validOptions() {
  const { rows } = await production.query<{ id: number }>("SELECT id FROM associate WHERE can_login ORDER BY id LIMIT 2");
  return {
    users: [
      { associateId: rows[0]!.id, userPlan: "sales-premium" as const },
      { associateId: rows[1]!.id, userPlan: "service-premium" as const },
    ],
    keepEnabledTaskIds: [1],
  };
}

describe("the setup wizard's actions", () => {
  beforeAll(async () => {
    world = await buildWorld();
    production = new pg.Client({ connectionString: world.productionUrl });
    await production.connect();
    const sandbox = (tenantId: string, name: string, userId: string, key: string) =>
      db.sandbox.create({
        data: { tenantId, name, orderedById: userId, sandboxCustomerId: key, planCounts: { "sales-premium": 1, "service-premium": 1 } },
        select: { id: true },
      });
    sandboxA = (await sandbox(world.tenantA, "A one", world.users.adminA, "Cust900001")).id;
    sandboxB = (await sandbox(world.tenantB, "B one", world.users.adminB, "Cust900002")).id;
  });
  afterAll(async () => {
    await production.end();
    await stopBoss();
  });
  beforeEach(() => signInAs(null));

  it("refuses without a session, with the wrong role, and on another tenant's sandbox", async () => {
    const input = { sandboxId: sandboxA, step: 1, options: await validOptions() };
    expect(await saveWizardDraftAction(input)).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    signInAs(world.users.userA);
    expect(await saveWizardDraftAction(input)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    signInAs(world.users.sales);
    expect(await dryRunAction(input)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    signInAs(world.users.adminB);
    expect(await saveWizardDraftAction(input)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await confirmWizardAction({ ...input, acknowledgeNoGoingBack: true })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const sandbox = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA } });
    expect(sandbox.wizardDraft).toBeNull();
    expect(sandbox.confirmedAt).toBeNull();
  });

  it("saves a draft that can be resumed", async () => {
    signInAs(world.users.adminA);
    const options = await validOptions();
    expect(await saveWizardDraftAction({ sandboxId: sandboxA, step: 2, options })).toEqual({ ok: true, data: { saved: true } });
    const { wizardDraft } = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA } });
    expect(wizardDraft).toMatchObject({ step: 2, furthest: 2, options: { ...options, invalidationDomain: "mailinator.com", documents: { mode: "none" } } });
    // Gone back from the review to step 2: the review stays reached, for the steps above the form.
    expect(await saveWizardDraftAction({ sandboxId: sandboxA, step: 1, furthest: 5, options })).toMatchObject({ ok: true });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA } })).wizardDraft).toMatchObject({ step: 1, furthest: 5 });
    expect(await saveWizardDraftAction({ sandboxId: sandboxA, step: 1, furthest: 6, options })).toMatchObject({ ok: false, code: "INVALID_INPUT" });
  });

  it("keeps what the admin confirmed with the draft, so leaving and coming back does not ask again", async () => {
    signInAs(world.users.adminA);
    const options = { ...(await validOptions()), users: [], invalidationDomain: "gmail.com" };
    const confirmations = { realMailDomain: "gmail.com", noAccessReason: "Only our integration uses it" };
    expect(await saveWizardDraftAction({ sandboxId: sandboxA, step: 5, options, confirmations })).toEqual({ ok: true, data: { saved: true } });
    const { wizardDraft } = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA } });
    const draft = wizardDraftSchema.parse(wizardDraft);
    expect(draft.confirmations).toEqual(confirmations);
    // Confirmed against the wizard's advice: the dry run takes the draft's confirmations as given.
    expect(await dryRunAction({ sandboxId: sandboxA, options, confirmations: draft.confirmations })).toMatchObject({ ok: true });
    expect(await dryRunAction({ sandboxId: sandboxA, options })).toMatchObject({ ok: false, code: "INVALID_INPUT" });
  });

  it("refuses tampered ids, plan counts above the order, and bad values, saving nothing", async () => {
    signInAs(world.users.adminA);
    const before = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA }, select: { wizardDraft: true } });
    const options = await validOptions();
    const tampered = await saveWizardDraftAction({
      sandboxId: sandboxA,
      step: 3,
      options: { ...options, users: [...options.users, { associateId: 987654, userPlan: "complete" }], keepEnabledTaskIds: [1, 424242] },
    });
    expect(tampered).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    if (tampered.ok) return;
    expect(tampered.fieldErrors?.["options.users"]?.join(" ")).toContain("987654");
    expect(tampered.fieldErrors?.["options.users"]?.join(" ")).toContain("Complete: 1 chosen, but the order has 0");
    expect(tampered.fieldErrors?.["options.keepEnabledTaskIds"]?.join(" ")).toContain("424242");

    const tooMany = await saveWizardDraftAction({
      sandboxId: sandboxA,
      step: 1,
      options: { ...options, users: options.users.map((u) => ({ ...u, userPlan: "sales-premium" as const })) },
    });
    expect(tooMany).toMatchObject({ ok: false, fieldErrors: { "options.users": ["Sales Premium: 2 chosen, but the order has 1."] } });

    const bad = await saveWizardDraftAction({
      sandboxId: sandboxA,
      step: 1,
      options: { ...options, invalidationDomain: "not a domain", documents: { mode: "since", since: "yesterday" } },
    });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { "options.invalidationDomain": expect.any(Array), "options.documents.since": expect.any(Array) } });
    expect(await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA }, select: { wizardDraft: true } })).toEqual(before);
  });

  it("dry-runs against production with the same numbers as direct queries", async () => {
    signInAs(world.users.adminA);
    const options = await validOptions();
    const result = await dryRunAction({ sandboxId: sandboxA, options: { ...options, documents: { mode: "since", since: "2024-01-01" }, serviceAttachments: true } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const d = result.data;
    expect(d.usersGivenAccess).toBe(2);
    expect(d.associatesLosingLogin).toBe((await one("SELECT count(*) n FROM associate WHERE can_login")) - 2);
    expect(d.inboxMessagesRemoved).toBe(await one("SELECT count(*) n FROM inbox_message"));
    expect(d.inboxAccountsLosingLogins).toBe(
      await one("SELECT count(*) n FROM inbox_account WHERE coalesce(incoming_username, incoming_password, outgoing_username, outgoing_password, oauth_access_token, oauth_refresh_token) IS NOT NULL"),
    );
    expect(d.serviceMailboxesReplaced).toBe(await one("SELECT count(*) n FROM service_mailbox"));
    expect(d.openTicketsToClose).toBe(await one("SELECT count(*) n FROM ticket WHERE status IN ('open','pending','postponed')"));
    expect(d.tasksToDisable).toBe((await one("SELECT count(*) n FROM scheduled_task WHERE enabled")) - 1); // task 1 is enabled and kept
    expect(d.tasksKeptEnabled).toBe(1);
    expect(d.appAuthorizationsDropped).toBe(await one("SELECT count(*) n FROM app_authorization"));
    expect(d.webhooksDropped).toBe(await one("SELECT count(*) n FROM webhook"));
    expect(d.documentsCopied.count).toBe(await one("SELECT count(*) n FROM document WHERE created_at >= '2024-01-01'"));
    expect(d.documentsCopied.count + d.documentsLeftOut).toBe(await one("SELECT count(*) n FROM document"));
    expect(d.attachmentsCopied.bytes).toBe(await one("SELECT sum(size_bytes) n FROM ticket_attachment"));
    const emails = await one(`SELECT (SELECT count(email) FROM associate WHERE email <> '') + (SELECT count(email) FROM company WHERE email <> '')
      + (SELECT count(email) FROM contact WHERE email <> '') + (SELECT count(address) FROM inbox_account WHERE address <> '')
      + (SELECT count(author_email) FROM ticket_message WHERE author_email <> '') n`);
    expect(d.addressesRewritten).toBe(emails);
    expect(d.addressesRewritten).toBeGreaterThan(0);
    // The web panels: counted and shown with the engine's own rewrite.
    const base = (await production.query<{ b: string }>("SELECT service_base_url b FROM installation")).rows[0]!.b;
    const panels = (await production.query<{ url: string }>("SELECT url FROM web_panel ORDER BY id")).rows;
    const rewritten = panels.filter((p) => rewriteWebPanelUrl(p.url, base) !== p.url);
    expect(rewritten.length).toBeGreaterThan(0);
    expect(d.webPanelsToRewrite).toBe(rewritten.length);
    expect(d.webPanelExamples).toHaveLength(Math.min(3, rewritten.length));
    for (const e of d.webPanelExamples) expect(e.after).toMatch(/^<cs(ti|rm|cu|bl)>/);
  });

  it("confirms: options, confirmation time, a queued run and an audit entry, then refuses a second confirmation", async () => {
    signInAs(world.users.adminA);
    const options = await validOptions();
    expect(await confirmWizardAction({ sandboxId: sandboxA, options, acknowledgeNoGoingBack: false as never })).toMatchObject({
      ok: false,
      fieldErrors: { acknowledgeNoGoingBack: expect.any(Array) },
    });
    const result = await confirmWizardAction({ sandboxId: sandboxA, options, acknowledgeNoGoingBack: true });
    expect(result).toMatchObject({ ok: true, data: { sandboxId: sandboxA } });
    const sandbox = await db.sandbox.findUniqueOrThrow({ where: { id: sandboxA }, include: { runs: true } });
    expect(sandbox.status).toBe("QUEUED");
    expect(sandbox.confirmedAt).not.toBeNull();
    expect(sandbox.options).toMatchObject({ users: options.users, keepEnabledTaskIds: [1] });
    expect(sandbox.runs).toHaveLength(1);
    expect(sandbox.runs[0]).toMatchObject({ kind: "PROVISION", status: "QUEUED", requestedById: world.users.adminA });
    expect(await db.auditEvent.count({ where: { action: "sandbox.wizard.confirmed", targetId: sandboxA } })).toBe(1);

    const again = await confirmWizardAction({ sandboxId: sandboxA, options, acknowledgeNoGoingBack: true });
    expect(again).toMatchObject({ ok: false, code: "ALREADY_CONFIRMED" });
    expect(await saveWizardDraftAction({ sandboxId: sandboxA, step: 1, options })).toMatchObject({ ok: false, code: "ALREADY_CONFIRMED" });
    expect(await db.sandboxRun.count({ where: { sandboxId: sandboxA } })).toBe(1);
  });

  it("two confirmations at once start one run", async () => {
    signInAs(world.users.adminB);
    const options = { users: [{ associateId: 1, userPlan: "sales-premium" as const }] };
    const results = await Promise.all([1, 2, 3].map(() => confirmWizardAction({ sandboxId: sandboxB, options, acknowledgeNoGoingBack: true })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(["ALREADY_CONFIRMED", "ALREADY_CONFIRMED"]);
    expect(await db.sandboxRun.count({ where: { sandboxId: sandboxB } })).toBe(1);
  });

  it("confirms against the order as it stands when the run is requested: an edit that lowered its plans meanwhile wins", async () => {
    signInAs(world.users.adminA);
    const options = await validOptions();
    const sandbox = await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Raced", orderedById: world.users.adminA, sandboxCustomerId: "Cust900004", planCounts: { "sales-premium": 1, "service-premium": 1 } },
    });
    const actor = (await loadActor(world.users.adminA))!;
    // The choices were checked against two plans; the order's edit then committed one.
    const checked = await requireOpenWizard(actor, sandbox.id);
    await db.sandbox.update({ where: { id: sandbox.id }, data: { planCounts: { "sales-premium": 1 } } });
    await expect(confirmWizard(actor, checked, sandboxOptionsSchema.parse(options), { enqueue: false })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { "options.users": [expect.stringContaining("Service Premium")] },
    });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).confirmedAt).toBeNull();
    expect(await db.sandboxRun.count({ where: { sandboxId: sandbox.id } })).toBe(0);
  });

  it("tells a confirmation that met the order's deletion (the API deletes orders) so, not that the setup was confirmed", async () => {
    signInAs(world.users.adminA);
    const options = await validOptions();
    const sandbox = await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Deleted meanwhile", orderedById: world.users.adminA, sandboxCustomerId: "Cust900005", planCounts: { "sales-premium": 1, "service-premium": 1 } },
    });
    const actor = (await loadActor(world.users.adminA))!;
    const checked = await requireOpenWizard(actor, sandbox.id);
    await requestRun({ sandboxId: sandbox.id, kind: "DELETE", requestedById: world.users.adminA, options: {}, enqueue: false });
    await expect(confirmWizard(actor, checked, sandboxOptionsSchema.parse(options), { enqueue: false })).rejects.toMatchObject({
      code: "CONFLICT",
      userMessage: "This order is being deleted, so its setup can no longer be confirmed.",
    });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).confirmedAt).toBeNull();
  });

  it("refuses to confirm with nobody given access", async () => {
    signInAs(world.users.adminA);
    const sandbox = await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Empty", orderedById: world.users.adminA, sandboxCustomerId: "Cust900003", planCounts: { complete: 1 } },
    });
    expect(await confirmWizardAction({ sandboxId: sandbox.id, options: { users: [] }, acknowledgeNoGoingBack: true })).toMatchObject({
      ok: false,
      fieldErrors: { "options.users": ["Give at least one person access to the sandbox, or say in a few words why nobody needs it."] },
    });
    expect((await db.sandbox.findUniqueOrThrow({ where: { id: sandbox.id } })).confirmedAt).toBeNull();
  });
});
