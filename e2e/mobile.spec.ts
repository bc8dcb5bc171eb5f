/**
 * Every main page, and the setup wizard's first steps, at a phone's width (390 px): nothing wider than the screen, lists
 * as labelled cards with their filters folded away, the
 * header's buttons and unread count whole, and the notifications panel inside
 * the screen when opened. For a customer admin and for an operator.
 */
import { expect, test, type Page } from "@playwright/test";
import { connectToServerDatabase, expectAccessible, signIn } from "./fixtures";

test.use({ viewport: { width: 390, height: 844 } });

/** The page fits the screen: no sideways scrolling, and the header's controls are inside it. */
async function expectFitsTheScreen(page: Page, where: string): Promise<void> {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  expect(widths.page, `${where} is wider than the screen`).toBeLessThanOrEqual(widths.screen);
  for (const control of [page.getByTestId("notifications").locator("summary"), page.getByRole("button", { name: "Sign out", exact: true })]) {
    const box = (await control.boundingBox())!;
    expect(box.x, where).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, where).toBeLessThanOrEqual(widths.screen);
  }
}

/** The unread count stays on the bell's line, and the opened panel is inside the screen. */
async function expectNotificationsWhole(page: Page): Promise<void> {
  const bell = page.getByTestId("notifications");
  const summary = bell.locator("summary");
  const { height } = (await summary.boundingBox())!;
  expect(height, "the bell wraps onto two lines").toBeLessThan(48);
  await summary.click();
  const panel = bell.locator("summary + div");
  await expect(panel).toBeVisible();
  const box = (await panel.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  // It closes as a menu does, and the keyboard goes back to its button.
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(summary).toBeFocused();
}

test("a customer admin's pages fit a phone", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  // An unread notification, so the count is shown.
  const portal = await connectToServerDatabase(testInfo);
  await portal.query(
    `INSERT INTO "Notification" (id, "userId", message, link) SELECT 'mobile-' || md5(random()::text), id, 'Your sandbox "Mobile" is ready.', '/sandboxes' FROM "User" WHERE email = 'admin@nordlys.example'`,
  );
  // A sandbox of its own to open: the demo data has none, and other files' may not be there.
  const sandboxName = `Phone ${Date.now().toString(36)}`;
  await portal.query(
    `INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById")
     SELECT 'mobile-' || md5($1), t.id, $1, 'AWAITING_SETUP', '{"complete": 1}', u.id FROM "Tenant" t, "User" u WHERE t."customerId" = 'Cust10001' AND u.email = 'admin@nordlys.example'`,
    [sandboxName],
  );
  await portal.end();

  await signIn(page, "admin@nordlys.example");
  await expectNotificationsWhole(page);
  for (const path of ["/", "/sandboxes", "/sandboxes/new", "/orders", "/audit", "/people", "/account"]) {
    await page.goto(path);
    await expectFitsTheScreen(page, path);
  }
  await page.goto("/sandboxes");
  // The filters fold behind one button until wanted, and open with it.
  const filters = page.getByRole("form", { name: "Filter the sandboxes" });
  await expect(filters).toBeHidden();
  await page.getByRole("button", { name: "Filter and sort" }).click();
  await expect(filters.getByLabel("Search")).toBeVisible();
  const row = page.getByTestId("sandbox-row").filter({ hasText: sandboxName });
  // Each row is a card as wide as the screen, each value labelled with its column; a table still, to a screen reader.
  const rowBox = (await row.boundingBox())!;
  expect(rowBox.x + rowBox.width).toBeLessThanOrEqual(390);
  // The header row is there for screen readers only (clipped to a pixel, as sr-only is).
  expect((await page.getByRole("table", { name: "Sandboxes" }).locator("thead").boundingBox())!.height).toBeLessThanOrEqual(1);
  const statusLabel = await row.getByRole("cell").nth(1).evaluate((cell) => getComputedStyle(cell, "::before").content);
  expect(statusLabel).toContain('"Status"');
  expect(await row.getByRole("cell").count()).toBe(6);
  // Waiting for its setup, the row says where that is.
  await expect(row.getByRole("link", { name: new RegExp(`^Continue the setup\\s*: ${sandboxName}$`) })).toHaveAttribute("href", /\/setup$/);
  await row.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: sandboxName, level: 1 })).toBeVisible();
  await expectFitsTheScreen(page, page.url());
  await expectAccessible(page, "a phone-width page");
  // The setup wizard's first steps, the e-mail step's preview of long addresses too.
  await page.getByRole("link", { name: "Continue the setup" }).click();
  const step = page.getByRole("heading", { level: 2, name: /^Step \d of 6/ });
  await expect(step).toContainText("Step 1 of 6: Access");
  await expectFitsTheScreen(page, "the wizard's access step");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(step).toContainText("Step 2 of 6: E-mail");
  await expect(page.getByTestId("email-preview")).toBeVisible();
  await expectFitsTheScreen(page, "the wizard's e-mail step");
  const cleanup = await connectToServerDatabase(testInfo);
  await cleanup.query(`DELETE FROM "Sandbox" WHERE name = $1`, [sandboxName]);
  await cleanup.end();
});

test("an operator's pages fit a phone", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "operator@sandbox-portal.example");
  for (const path of ["/operations", "/tenants", "/tenants/Cust10002/people", "/sandboxes", "/orders", "/audit"]) {
    await page.goto(path);
    await expectFitsTheScreen(page, path);
  }
  await expectNotificationsWhole(page);
  await expectAccessible(page, "the operations overview at phone width");
});
