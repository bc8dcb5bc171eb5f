/**
 * The wizard refuses choices that defeat its purpose unless they are confirmed:
 * an invalidation domain that would deliver to real people (a mail provider, the
 * customer's own domain, any domain production's addresses use), and a sandbox
 * nobody can sign in to (confirmed with a reason, which is audited); and a partial
 * copy's impossible shares (none, the future, companies production does not have).
 */
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
const { saveWizardDraftAction, confirmWizardAction } = await import("./actions");

let world: World;
let sandboxId = "";
let ownDomain = "";
let contactOnlyDomain = "";
let companyId = 0;

const save = (invalidationDomain: string, realMailDomain = "") =>
  saveWizardDraftAction({ sandboxId, step: 1, options: { users: [], invalidationDomain }, confirmations: { realMailDomain } });
const domainError = (result: Awaited<ReturnType<typeof save>>) => (result.ok ? null : result.fieldErrors?.["options.invalidationDomain"]?.join(" "));

describe("the wizard's refusals", () => {
  beforeAll(async () => {
    world = await buildWorld();
    const production = new pg.Client({ connectionString: world.productionUrl });
    await production.connect();
    ownDomain = (await production.query<{ d: string }>("SELECT split_part(email, '@', 2) AS d FROM associate WHERE email LIKE '%@%' LIMIT 1")).rows[0]!.d;
    // A contact at a domain no CRM user has: production's, not the customer's own.
    const contact = (await production.query<{ id: number }>("SELECT id FROM contact ORDER BY id LIMIT 1")).rows[0]!.id;
    companyId = (await production.query<{ id: number }>("SELECT id FROM company ORDER BY id LIMIT 1")).rows[0]!.id;
    contactOnlyDomain = "partner-firm.example";
    await production.query("UPDATE contact SET email = $1 WHERE id = $2", ["Kim@Partner-Firm.example", contact]);
    await production.end();
    sandboxId = (await db.sandbox.create({
      data: { tenantId: world.tenantA, name: "Refusals", orderedById: world.users.adminA, sandboxCustomerId: "Cust907001", planCounts: { "sales-premium": 1 } },
    })).id;
  });
  afterAll(async () => {
    await stopBoss();
  });
  beforeEach(() => signInAs(world.users.adminA));

  it("refuses a mail provider, the customer's own domain and any domain of production's addresses, and suggests the default", async () => {
    expect(domainError(await save("gmail.com"))).toMatch(/public mail provider.*Use mailinator\.com/);
    expect(domainError(await save("eu.outlook.com"))).toMatch(/public mail provider/);
    expect(domainError(await save(ownDomain))).toMatch(/one of your own domains/);
    expect(domainError(await save(contactOnlyDomain))).toMatch(/appears in addresses in your CRM/);
    expect(await save("mailinator.com")).toMatchObject({ ok: true });
    expect(await save("nobody-here.example")).toMatchObject({ ok: true });
  });

  it("accepts such a domain only when that very domain is confirmed", async () => {
    expect(await save("gmail.com", "gmail.com")).toMatchObject({ ok: true });
    expect(domainError(await save(ownDomain, "gmail.com"))).toMatch(/own domains/);
    expect(await save(ownDomain, ownDomain.toUpperCase())).toMatchObject({ ok: true });
  });

  it("takes a partial copy's share, and refuses 0 %, a date in the future and a company production does not have", async () => {
    const saveShare = (share: unknown) =>
      saveWizardDraftAction({ sandboxId, step: 3, options: { kind: "partial", share } as never, confirmations: {} });
    const errors = (result: Awaited<ReturnType<typeof saveShare>>) => (result.ok ? "" : Object.values(result.fieldErrors ?? {}).flat().join(" "));
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(await saveShare({ by: "percent", percent: 25 })).toMatchObject({ ok: true });
    expect(await saveShare({ by: "since", since: "2024-01-01" })).toMatchObject({ ok: true });
    expect(await saveShare({ by: "companies", ids: [companyId] })).toMatchObject({ ok: true });
    expect(errors(await saveShare({ by: "percent", percent: 0 }))).toMatch(/0 % copies no company/);
    expect(errors(await saveShare({ by: "since", since: inTwoDays }))).toMatch(/in the future/);
    expect(errors(await saveShare({ by: "companies", ids: [] }))).toMatch(/at least one company/);
    const unknown = await saveShare({ by: "companies", ids: [companyId, 987654] });
    expect(unknown).toMatchObject({ ok: false, fieldErrors: { "options.share": [expect.stringMatching(/These companies are not in .*'s CRM: 987654\./)] } });
  });

  it("asks production whether a domain is used once a minute while the steps are saved, and afresh when the setup is confirmed", async () => {
    // Each "Next" read every address production has (no index serves a LIKE on their end), again and again.
    const domain = "later-partner.example";
    expect(await save(domain)).toMatchObject({ ok: true });
    const production = new pg.Client({ connectionString: world.productionUrl });
    await production.connect();
    await production.query("UPDATE contact SET email = $1 WHERE id = (SELECT id FROM contact ORDER BY id OFFSET 1 LIMIT 1)", [`kim@${domain}`]);
    await production.end();
    expect(await save(domain)).toMatchObject({ ok: true });
    const confirmed = await confirmWizardAction({ sandboxId, options: { users: [], invalidationDomain: domain }, confirmations: { noAccessReason: "Only the ERP integration signs in." }, acknowledgeNoGoingBack: true });
    expect(confirmed).toMatchObject({ ok: false, fieldErrors: { "options.invalidationDomain": [expect.stringMatching(/appears in addresses in your CRM/)] } });
  });

  it("confirms a sandbox nobody can sign in to only with a reason, and audits the reason", async () => {
    const confirm = (noAccessReason: string) =>
      confirmWizardAction({ sandboxId, options: { users: [] }, confirmations: { noAccessReason }, acknowledgeNoGoingBack: true });
    expect(await confirm("")).toMatchObject({ ok: false, fieldErrors: { "options.users": [expect.stringContaining("why nobody needs it")] } });
    expect(await confirm("short")).toMatchObject({ ok: false });
    expect(await confirm("Only the ERP integration signs in.")).toMatchObject({ ok: true });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "sandbox.wizard.confirmed", targetId: sandboxId } });
    expect(audit.details).toMatchObject({ confirmations: { noAccessReason: "Only the ERP integration signs in." } });
  });
});
