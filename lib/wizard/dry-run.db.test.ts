/**
 * The wizard's dry run counts what the copy's report will say it changed: on one
 * production, whose tenant classifies an extra column as e-mail, the dry run (as
 * the review step asks for it) and a real copy (as a run makes it) agree rule by rule.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";
import { dropTestDatabase, testSandboxServerUrl } from "../testing/pg";
import { databaseNames, newSandboxName, sandboxUrl, scalar, withClient } from "../testing/sanitizer-fixtures";
import type { World } from "../testing/test-world";
import { compiledCommand } from "../testing/worker-process";
import { CONFIGURATION_TABLES } from "../crm/contract";

usePortalDatabase();

const { db } = await import("../db/portal");
const { buildWorld } = await import("../testing/test-world");
const { setTenantClassification, tenantClassification } = await import("../tenants/classification");
const { provisionSandbox } = await import("../sanitizer/provision");
const { sandboxOptionsSchema } = await import("../sanitizer/options");
const { getDryRun } = await import("./queries");
const { runDryRun } = await import("./dry-run");
const { previewPersonalDataApart, PREVIEW_LIMITS } = await import("./preview-apart");
const { PreviewUnavailable } = await import("./personal-data-preview");

let world: World;
const made: string[] = [];

beforeAll(async () => {
  world = await buildWorld();
  // A customisation: private addresses on contacts, some empty, some missing.
  await withClient(world.productionUrl, (c) =>
    c.query(`ALTER TABLE contact ADD COLUMN private_email text;
             UPDATE contact SET private_email = CASE id % 3 WHEN 0 THEN 'me' || id || '@home.example' WHEN 1 THEN '' END`),
  );
  await setTenantClassification("Cust40001", { columns: { "contact.private_email": "email" } });
});

afterAll(async () => {
  for (const name of made) await dropTestDatabase(sandboxUrl(name));
  await db.$disconnect();
});

/** A real copy with the tenant's classification, as a run makes it. */
async function copyWith(options: Parameters<typeof getDryRun>[1], pseudonymSecret?: string) {
  const name = newSandboxName();
  made.push(name);
  const report = await provisionSandbox({
    productionUrl: world.productionUrl,
    sandboxServerUrl: testSandboxServerUrl(),
    databaseName: name,
    sandboxCustomerId: `Cust9001${made.length}`,
    serviceMailboxAddress: `support@sandbox9001${made.length}.example`,
    options,
    classification: await tenantClassification(world.tenantA),
    ...(pseudonymSecret ? { pseudonymSecret } : {}),
  });
  return { name, report };
}

describe("the dry run and the copy's report", () => {
  it("count the same changes, extra e-mail columns included", async () => {
    const options = sandboxOptionsSchema.parse({
      users: [{ associateId: 1, userPlan: "sales-premium" }],
      keepEnabledTaskIds: [1],
      documents: { mode: "since", since: "2024-01-01" },
    });
    const dry = await getDryRun(world.tenantA, options);

    const { name, report } = await copyWith(options);
    const changes = (rule: number) => report.rules.find((r) => r.rule === rule)?.changes ?? {};
    const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

    const privateAddresses = Number(await scalar(world.productionUrl, "SELECT count(*) FROM contact WHERE private_email <> ''"));
    expect(privateAddresses).toBeGreaterThan(0);
    expect(changes(2)["contact.private_email"]).toBe(privateAddresses);
    expect(dry.addressesRewritten).toBe(sum(changes(2)));
    expect(dry.inboxAccountsLosingLogins).toBe(changes(3)["inbox_account.logins"]);
    expect(dry.inboxMessagesRemoved).toBe(changes(3)["inbox_message.removed"]);
    expect(dry.serviceMailboxesReplaced).toBe(changes(4)["service_mailbox.removed"]);
    expect(dry.openTicketsToClose).toBe(changes(5)["ticket.closed"]);
    expect(dry.webPanelsToRewrite).toBe(changes(6)["web_panel.url"]);
    expect(dry.tasksToDisable).toBe(changes(7)["scheduled_task.disabled"]);
    expect(dry.appAuthorizationsDropped).toBe(changes(8)["app_authorization.removed"]);
    expect(dry.webhooksDropped).toBe(changes(8)["webhook.removed"]);
    expect(dry.documentsLeftOut).toBe(changes(9)["document.removed"]);
    expect(dry.attachmentsLeftOut).toBe(changes(9)["ticket_attachment.removed"]);
    // Every figure above is one the copy really changed.
    for (const figure of [dry.openTicketsToClose, dry.webPanelsToRewrite, dry.documentsLeftOut, dry.attachmentsLeftOut]) expect(figure).toBeGreaterThan(0);
    // And what the dry run said stays is what the copy holds.
    expect(dry.documentsCopied.count).toBe(Number(await scalar(sandboxUrl(name), "SELECT count(*) FROM document")));
    expect(dry.recordsLeftOut).toBe(0);
  });

  it("count what a configuration-only copy leaves out, and no documents copied", async () => {
    const options = sandboxOptionsSchema.parse({ kind: "config", documents: { mode: "all" }, serviceAttachments: true });
    const dry = await getDryRun(world.tenantA, options);
    const records = await scalar(
      world.productionUrl,
      "SELECT (SELECT count(*) FROM company) + (SELECT count(*) FROM contact) + (SELECT count(*) FROM sale) + (SELECT count(*) FROM project) + (SELECT count(*) FROM appointment) + (SELECT count(*) FROM document) + (SELECT count(*) FROM inbox_account) + (SELECT count(*) FROM inbox_message) + (SELECT count(*) FROM ticket) + (SELECT count(*) FROM ticket_message) + (SELECT count(*) FROM ticket_attachment)",
    );
    expect(dry.recordsLeftOut).toBe(Number(records));
    expect(dry.documentsCopied).toEqual({ count: 0, bytes: 0 });
    expect(dry.attachmentsCopied).toEqual({ count: 0, bytes: 0 });
    // Left out by its kind, not counted again as "Documents left out".
    expect(dry.documentsLeftOut).toBe(0);
  });

  it("count a partial copy's share as the copy holds it: companies chosen, records copied, rules among them", async () => {
    const options = sandboxOptionsSchema.parse({ kind: "partial", share: { by: "percent", percent: 25 }, documents: { mode: "all" }, serviceAttachments: true });
    const dry = await getDryRun(world.tenantA, options);
    const { name, report } = await copyWith(options);
    const changes = (rule: number) => report.rules.find((r) => r.rule === rule)?.changes ?? {};
    const copiedRecords = report.tables.filter((t) => !CONFIGURATION_TABLES.has(t.name)).reduce((sum, t) => sum + t.rows, 0);
    const companies = Number(await scalar(world.productionUrl, "SELECT count(*) FROM company"));

    expect(dry.share).not.toBeNull();
    expect(dry.share!.companies).toBe(changes(17)["company of the chosen companies"]);
    expect(dry.share!.companies).toBeGreaterThan(0);
    expect(dry.share!.companies).toBeLessThan(companies);
    expect(dry.share!.records).toBe(copiedRecords);
    expect(dry.share!.bytes).toBeGreaterThan(0);
    expect(dry.recordsLeftOut).toBe(Object.entries(changes(17)).reduce((sum, [key, n]) => sum + (key.endsWith(" outside the share") ? n : 0), 0));
    expect(dry.openTicketsToClose).toBe(changes(5)["ticket.closed"]);
    expect(dry.documentsCopied.count).toBe(Number(await scalar(sandboxUrl(name), "SELECT count(*) FROM document")));
  });
});

describe("the dry run of a pseudonymised copy (rule 18)", () => {
  it("counts the people, companies and free-text fields the copy changes, with before → after examples the copy holds", async () => {
    const options = sandboxOptionsSchema.parse({ personalData: "pseudonymise", documents: { mode: "all" } });
    const classification = await tenantClassification(world.tenantA);
    const dry = await withClient(world.productionUrl, (c) => runDryRun(c, options, classification, "dry-run-secret"));
    const { name, report } = await copyWith(options, "dry-run-secret");
    const preview = dry.personalData!;
    const count = async (table: string) => Number(await scalar(world.productionUrl, `SELECT count(*) FROM ${table}`));
    expect(preview.people).toBe((await count("associate")) + (await count("contact")));
    expect(preview.companies).toBe(await count("company"));
    const freeText = report.rules.find((r) => r.rule === 18)!.changes["free text"]!;
    expect(freeText).toBeGreaterThan(0);
    // Judged on samples beyond a column's first values: close, not exact.
    if (preview.estimated) expect(Math.abs(preview.freeTextFields! - freeText) / freeText).toBeLessThan(0.2);
    else expect(preview.freeTextFields).toBe(freeText);
    // The examples are the copy's own pseudonyms: the first contact and the first company.
    expect(preview.examples).toHaveLength(3);
    const copied = await scalar(sandboxUrl(name), "SELECT (SELECT first_name || ' ' || last_name FROM contact ORDER BY id LIMIT 1) || '|' || (SELECT name FROM company ORDER BY id LIMIT 1)");
    expect(`${preview.examples[0]!.after}|${preview.examples[1]!.after}`).toBe(copied);
    for (const e of preview.examples) expect(e.after).not.toBe(e.before);
    // The documents' rows come, their contents do not: the review says what the copy moves, not production's files.
    expect(Number(await scalar(world.productionUrl, "SELECT coalesce(sum(size_bytes), 0) FROM document"))).toBeGreaterThan(0);
    expect(dry.documentsCopied).toEqual({ count: Number(await scalar(sandboxUrl(name), "SELECT count(*) FROM document")), bytes: Number(await scalar(sandboxUrl(name), "SELECT coalesce(sum(length(content)), 0) FROM document")) });
    expect(dry.documentsCopied.bytes).toBe(0);
  });

  it("is made apart from the web server, in a process of its own, and is the same preview, compiled or not", async () => {
    const options = sandboxOptionsSchema.parse({ personalData: "pseudonymise" });
    const classification = await tenantClassification(world.tenantA);
    const here = await withClient(world.productionUrl, (c) => runDryRun(c, options, classification, "apart-secret"));
    const apart = await withClient(world.productionUrl, (c) =>
      runDryRun(c, options, classification, "apart-secret", (_client, input) => previewPersonalDataApart(world.tenantA, { productionUrl: world.productionUrl, input })),
    );
    expect(apart.personalData).toEqual(here.personalData);
    // As the portal's server makes it: from the compiled code (scripts/worker-bundle.mjs).
    const compiled = await withClient(world.productionUrl, (c) =>
      runDryRun(c, options, classification, "apart-secret", (_client, input) =>
        previewPersonalDataApart(world.tenantA, { productionUrl: world.productionUrl, input }, PREVIEW_LIMITS, compiledCommand("personal-data-preview", [`--max-old-space-size=${PREVIEW_LIMITS.heapMb}`])),
      ),
    );
    expect(compiled.personalData).toEqual(here.personalData);
    expect(apart.personalData!.examples.length).toBeGreaterThan(0);
    // As the review asks for it: the tenant's production, found by the tenant.
    const reviewed = await getDryRun(world.tenantA, options);
    expect(reviewed.personalData!.people).toBe(here.personalData!.people);
  });

  it("that cannot be made leaves the rest of the review standing, and says why", async () => {
    const options = sandboxOptionsSchema.parse({ personalData: "pseudonymise" });
    const classification = await tenantClassification(world.tenantA);
    const whole = await withClient(world.productionUrl, (c) => runDryRun(c, options, classification, "s"));
    const tooSlow = await withClient(world.productionUrl, (c) =>
      runDryRun(c, options, classification, "s", () => Promise.reject(new PreviewUnavailable("Previewing took too long, so it shows no examples."))),
    );
    expect(tooSlow.personalData).toEqual({
      people: whole.personalData!.people,
      companies: whole.personalData!.companies,
      freeTextFields: null,
      estimated: false,
      examples: [],
      unavailable: "Previewing took too long, so it shows no examples.",
    });
    expect(tooSlow.addressesRewritten).toBe(whole.addressesRewritten);
    // Anything else still fails the review: production refusing the copy itself, or unreachable.
    await expect(withClient(world.productionUrl, (c) => runDryRun(c, options, classification, "s", () => Promise.reject(new Error("boom"))))).rejects.toThrow("boom");
  });

  it("is left out when personal data is kept", async () => {
    const dry = await getDryRun(world.tenantA, sandboxOptionsSchema.parse({}));
    expect(dry.personalData).toBeNull();
  });
});

describe("a production whose web panels are too large to read whole", () => {
  it("is refused by the review and by the copy alike, in the customer's words, before anything is created", async () => {
    const refusal = "One of production's web panels holds a value longer than 64.0 KB: more than the portal reads. Contact support.";
    const panel = await scalar(world.productionUrl, "SELECT min(id) FROM web_panel");
    const url = await scalar(world.productionUrl, "SELECT url FROM web_panel WHERE id = $1", [panel]);
    // Made on the server: production's values may be up to 1 GB, and the portal must not read one to find out.
    await withClient(world.productionUrl, (c) => c.query("UPDATE web_panel SET url = url || repeat('x', 65536) WHERE id = $1", [panel]));
    try {
      const options = sandboxOptionsSchema.parse({});
      await expect(getDryRun(world.tenantA, options)).rejects.toMatchObject({ code: "PRODUCTION_REFUSED", userMessage: refusal });
      await expect(copyWith(options)).rejects.toMatchObject({ code: "COPY_FAILED", technical: false, message: refusal });
      expect(await databaseNames()).not.toContain(made.at(-1));
    } finally {
      await withClient(world.productionUrl, (c) => c.query("UPDATE web_panel SET url = $2 WHERE id = $1", [panel, url]));
    }
  });

  it("refuses a production whose catalog is larger than the portal reads, before reading any of it, as the copy does", async () => {
    const { CATALOG_BOUNDS } = await import("../sanitizer/schema-reader");
    await withClient(world.productionUrl, async (c) => {
      await expect(runDryRun(c, sandboxOptionsSchema.parse({}), await tenantClassification(world.tenantA), undefined, undefined, { ...CATALOG_BOUNDS, columns: 10 })).rejects.toMatchObject({
        code: "COPY_FAILED",
        message: "Production's schema has more than 10 columns: more than the portal reads. Contact support.",
      });
    });
  });

  it("refuses, by the review and by the copy alike, choices that would leave an operator's foreign key dangling", async () => {
    // A customisation: associates' favourite company, its key kept by the operator's classification.
    await withClient(world.productionUrl, (c) => c.query("ALTER TABLE associate ADD COLUMN favourite_company_id integer CONSTRAINT associate_favourite_fk REFERENCES company (id)"));
    const classification = await tenantClassification(world.tenantA);
    await setTenantClassification("Cust40001", {
      columns: { ...classification.columns, "associate.favourite_company_id": "keep" },
      objects: [{ kind: "foreign key", table: "associate", name: "associate_favourite_fk", treatment: "copy" }],
    });
    try {
      const partial = sandboxOptionsSchema.parse({ kind: "partial" });
      const words = "associate (favourite_company_id) refers to company, of which this copy takes only some rows";
      await expect(getDryRun(world.tenantA, partial)).rejects.toMatchObject({ code: "PRODUCTION_REFUSED", userMessage: expect.stringContaining(words) });
      await expect(copyWith(partial)).rejects.toMatchObject({ code: "INVALID_OPTIONS", message: expect.stringContaining(words) });
      expect(await databaseNames()).not.toContain(made.at(-1));
      // A full copy takes every company: the key holds, and the review counts as before.
      expect((await getDryRun(world.tenantA, sandboxOptionsSchema.parse({}))).usersGivenAccess).toBe(0);
    } finally {
      await setTenantClassification("Cust40001", { columns: classification.columns });
      await withClient(world.productionUrl, (c) => c.query("ALTER TABLE associate DROP COLUMN favourite_company_id"));
    }
  });
});
