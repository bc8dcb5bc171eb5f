import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { connectToServerDatabase, expectAccessible, signIn } from "./fixtures";

const NAME = `Audit trail ${Date.now().toString(36)}`;
const EVENTS = 55;

/** No horizontal page overflow at the current width. */
async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

test.beforeAll(async ({}, testInfo) => {
  // A (deleted) sandbox of Nordlys with more events than a page holds, and one of Fjordline's events that names it too.
  const db = await connectToServerDatabase(testInfo);
  try {
    await db.query(
      `WITH t AS (SELECT id FROM "Tenant" WHERE "customerId" = 'Cust10001'), u AS (SELECT id FROM "User" WHERE email = 'admin@nordlys.example'),
       s AS (INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById", "deletedAt")
             SELECT 'e2e-audit-' || $2, t.id, $1, 'DELETED', '{}', u.id, now() FROM t, u RETURNING id, "tenantId", "orderedById")
       INSERT INTO "AuditEvent" (id, "tenantId", "actorId", action, "targetId", details, "createdAt")
       SELECT 'e2e-audit-' || $2 || '-' || g, s."tenantId", s."orderedById", 'checklist.ticked', s.id,
              jsonb_build_object('item', 'dead-end', 'ticked', true), now() - g * interval '1 second'
       FROM s, generate_series(1, ${EVENTS}) g`,
      [NAME, Date.now().toString(36)],
    );
    await db.query(
      `INSERT INTO "AuditEvent" (id, "tenantId", action, details) SELECT 'e2e-audit-other-' || $2, id, 'tenant.copyRate.changed', jsonb_build_object('name', $1::text) FROM "Tenant" WHERE "customerId" = 'Cust10002'`,
      [NAME, Date.now().toString(36)],
    );
  } finally {
    await db.end();
  }
});

test("a customer admin filters the audit log, pages and expands details, at 1280 and 390 px", async ({ page }) => {
  // Two widths, two accessibility scans of fifty rows: slow on a busy machine.
  test.slow();
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, "admin@nordlys.example");
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  // Customers are never offered a customer filter.
  await expect(page.getByLabel("Customer")).toHaveCount(0);

  await page.getByLabel("Sandbox").fill(NAME);
  await page.getByLabel("Action").selectOption({ label: "Checklist item ticked" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/sandbox=Audit\+trail/);
  const rows = page.getByTestId("audit-row");
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText(`Ingrid Nordlys ticked “a dead end” on the checklist of sandbox “${NAME}” for Nordlys Consulting AS`);
  await expectNoHorizontalOverflow(page);
  await expectAccessible(page, "audit, 1280 px");

  await page.getByRole("link", { name: "Older →" }).click();
  await expect(rows).toHaveCount(EVENTS - 50);
  await expect(page.getByRole("link", { name: "Older →" })).toHaveCount(0);
  await page.getByRole("link", { name: "← Newer" }).click();
  await expect(rows).toHaveCount(50);
  await expect(page.getByRole("link", { name: "← Newer" })).toHaveCount(0);

  // Details unfold into readable lines.
  await rows.first().getByText("Details").click();
  await expect(rows.first().getByRole("definition").filter({ hasText: "dead-end" })).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalOverflow(page);
  await expectAccessible(page, "audit, 390 px");
});

test("the export carries the filters and the tenant; a tampered URL shows nothing of another tenant", async ({ page }) => {
  await signIn(page, "admin@nordlys.example");
  await page.goto(`/audit?action=checklist.ticked&sandbox=${encodeURIComponent(NAME)}`);
  const rows = page.getByTestId("audit-row");
  // The export carries the filters: this sandbox's events only, and never another tenant's.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export these rows as CSV" }).click();
  const csv = await readFile((await (await download).path())!, "utf8");
  const lines = csv.split("\r\n").filter(Boolean);
  expect(lines[0]).toBe("time (UTC),sentence,actor,tenant,action,details");
  expect(lines).toHaveLength(1 + EVENTS);
  expect(csv).not.toContain("Fjordline");

  // A tampered URL: another tenant is ignored, a bad day is explained.
  await page.goto(`/audit?tenant=Cust10002&sandbox=${encodeURIComponent(NAME)}`);
  await expect(rows).toHaveCount(50);
  await expect(page.getByText("Fjordline")).toHaveCount(0);
  await expect(page.getByTestId("who-am-i")).toContainText("Nordlys");
  await page.goto("/audit?from=yesterday");
  await expect(page.getByTestId("audit-problems")).toContainText("“From” must be a day written as YYYY-MM-DD (UTC)");
  // The field it is about says so too, for a screen reader as well.
  await expect(page.getByLabel("From")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("From")).toHaveAccessibleDescription(/“From” must be a day written as YYYY-MM-DD \(UTC\)/);
  await expectNoHorizontalOverflow(page);
});
