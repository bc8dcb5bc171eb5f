/**
 * The Sandboxes list at more than a page: filter, sort, page on and back, and reload
 * the URL to find the same state (the state lives in the URL, so a link can be
 * shared); a junk URL still shows the list. At 1280 and 390 px, with axe.
 */
import { expect, test, type Page } from "@playwright/test";
import { connectToServerDatabase, expectAccessible, signIn } from "./fixtures";

const PREFIX = `Listed ${Date.now().toString(36)}`;
const COUNT = 62;

test.beforeAll(async ({}, testInfo) => {
  // Cancelled orders of Nordlys: they count against no agreement, and show behind "Show deleted".
  const db = await connectToServerDatabase(testInfo);
  try {
    await db.query(
      `INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById", "deletedAt", "createdAt")
       SELECT 'e2e-list-' || $2 || '-' || g, t.id, $1 || ' ' || lpad(g::text, 2, '0'), 'CANCELLED', '{}', u.id, now(), now() - g * interval '1 minute'
       FROM (SELECT id FROM "Tenant" WHERE "customerId" = 'Cust10001') t, (SELECT id FROM "User" WHERE email = 'admin@nordlys.example') u, generate_series(1, ${COUNT}) g`,
      [PREFIX, Date.now().toString(36)],
    );
  } finally {
    await db.end();
  }
});

test.afterAll(async ({}, testInfo) => {
  const db = await connectToServerDatabase(testInfo);
  await db.query(`DELETE FROM "Sandbox" WHERE name LIKE $1 || ' %'`, [PREFIX]);
  await db.end();
});

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

const rowNames = (page: Page) => page.getByTestId("sandbox-row").getByRole("link", { name: new RegExp(`^${PREFIX}`) });

test("a customer admin filters and sorts the sandboxes, pages on and back, and a reload keeps it all", async ({ page }) => {
  test.slow();
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, "admin@nordlys.example");
  await page.goto("/sandboxes");
  // Customers are never offered a customer filter.
  await expect(page.getByLabel("Customer", { exact: true })).toHaveCount(0);
  await page.getByRole("link", { name: /^Show deleted \(\d+\)$/ }).click();
  // The filter form carries the choice only once that page is there: filling the old one would drop it.
  await expect(page).toHaveURL(/deleted=shown/);
  await expect(page.getByRole("link", { name: "Hide deleted" })).toBeVisible();

  await page.getByLabel("Search").fill(PREFIX);
  await page.getByLabel("Status").selectOption({ label: "Cancelled" });
  await page.getByLabel("Sort by").selectOption({ label: "Name (Z–A)" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=Listed.*sort=-name/);
  await expect(page).toHaveURL(/deleted=shown/);
  const rows = page.getByTestId("sandbox-row");
  await expect(rows).toHaveCount(50);
  await expect(rowNames(page).first()).toHaveText(`${PREFIX} ${COUNT}`);
  await expect(page.getByText("← Previous")).toHaveAttribute("aria-disabled", "true");
  await expectNoHorizontalOverflow(page);
  await expectAccessible(page, "sandboxes filtered, 1280 px");

  await page.getByRole("link", { name: "Next →" }).click();
  await expect(rows).toHaveCount(COUNT - 50);
  await expect(rowNames(page).first()).toHaveText(`${PREFIX} ${String(COUNT - 50).padStart(2, "0")}`);
  await expect(rowNames(page).last()).toHaveText(`${PREFIX} 01`);
  await expect(page.getByText("Next →")).toHaveAttribute("aria-disabled", "true");

  // The URL is the whole state: a reload (or a shared link) shows the same page and filters.
  const shared = page.url();
  await page.reload();
  await expect(page).toHaveURL(shared);
  await expect(rows).toHaveCount(COUNT - 50);
  await expect(rowNames(page).first()).toHaveText(`${PREFIX} ${String(COUNT - 50).padStart(2, "0")}`);
  await expect(page.getByLabel("Search")).toHaveValue(PREFIX);
  await expect(page.getByLabel("Sort by")).toHaveValue("-name");
  await expect(page.getByLabel("Status")).toHaveValue("CANCELLED");

  await page.getByRole("link", { name: "← Previous" }).click();
  await expect(rows).toHaveCount(50);
  await expect(rowNames(page).first()).toHaveText(`${PREFIX} ${COUNT}`);
  await expect(page.getByText("← Previous")).toHaveAttribute("aria-disabled", "true");

  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalOverflow(page);
  await expectAccessible(page, "sandboxes filtered, 390 px");
});

test("junk in a list's URL falls back to the defaults instead of an error", async ({ page }) => {
  await signIn(page, "admin@nordlys.example");
  for (const path of [
    "/sandboxes?sort=password&after=%21%21not-a-cursor&status=EXPLODED&from=2026-99-99&deleted=maybe&q=" + "x".repeat(300),
    "/orders?sort=-nothing&before=W10&to=yesterday&customer[]=1",
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("button", { name: "Filter" })).toBeVisible();
  }
});
