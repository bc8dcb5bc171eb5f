import { expect, test } from "@playwright/test";
import { connectToServerDatabase, expectAccessible, signIn } from "./fixtures";

const unique = () => Date.now().toString(36);

test("a sales rep sets what a customer's agreement covers; its admin sees what is left, is refused beyond it, and the rep orders beyond it", async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  const portal = await connectToServerDatabase(testInfo);
  try {
    await signIn(page, "sales@sandbox-portal.example");
    await page.goto("/tenants");
    await page.getByRole("link", { name: /^Change the agreement of Bergen Bakeri/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Agreement of Bergen Bakeri & Kafé (Cust10003)" })).toBeVisible();
    await page.getByLabel("Sandboxes at once").fill("20");
    await page.getByLabel("Limit the user plans").check();
    await page.getByLabel("Sales Premium").fill("1");
    await page.getByRole("button", { name: "Save the agreement" }).click();
    await expect(page.getByTestId("entitlements-status")).toContainText("The agreement is saved.");
    await expect(page.getByTestId("entitlements").getByRole("row", { name: /^Sales Premium plans 1/ })).toBeVisible();
    await expectAccessible(page, "customer agreement");

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await signIn(page, "admin@bergenbakeri.example");
    await page.goto("/sandboxes/new");
    const panel = page.getByTestId("entitlements");
    await expect(panel.getByRole("heading", { name: "Your agreement" })).toBeVisible();
    await expect(panel.getByRole("row", { name: /^Sandboxes at once 20/ })).toBeVisible();
    await expect(panel).toContainText("ask your sales rep");
    await expectAccessible(page, "order form with an agreement");

    const name = `Beyond ${unique()}`;
    await page.getByLabel("Sandbox name").fill(name);
    await page.getByLabel("Sales Premium").fill("2");
    await page.getByLabel(/dead end/).check();
    await page.getByLabel(/not a backup/).check();
    await page.getByRole("button", { name: "Order and continue to setup" }).click();
    await expect(page.getByText(/This order goes beyond what your agreement covers\..*Ask your sales rep/)).toBeVisible();
    await expect(page).toHaveURL(/\/sandboxes\/new$/);
    await expectAccessible(page, "order refused beyond the agreement");

    // The sales rep sells beyond it: the same order, filed for the customer, goes through.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await signIn(page, "sales@sandbox-portal.example");
    await page.goto("/sandboxes/new");
    await page.getByLabel("Search by company name or customer id").fill("bergen");
    await page.getByLabel(/Bergen Bakeri/).check();
    await page.getByLabel("Sandbox name").fill(name);
    await page.getByLabel("Sales Premium").fill("2");
    await page.getByLabel(/dead end/).check();
    await page.getByLabel(/not a backup/).check();
    await page.getByRole("button", { name: "File the order" }).click();
    await expect(page.getByTestId("order-filed")).toBeVisible();

    // With every covered sandbox in use, its admin is told before filling the form in.
    await portal.query(
      `UPDATE "Tenant" t SET "entitledSandboxes" = (SELECT count(*) FROM "Sandbox" s WHERE s."tenantId" = t.id AND s.status NOT IN ('DELETED', 'CANCELLED')) WHERE "customerId" = 'Cust10003'`,
    );
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await signIn(page, "admin@bergenbakeri.example");
    await page.goto("/sandboxes/new");
    await expect(page.getByTestId("no-sandbox-left")).toContainText("Every sandbox your agreement covers is in use");
  } finally {
    // Later journeys order for this customer: give it back its unlimited agreement.
    await portal.query(`UPDATE "Tenant" SET "entitledSandboxes" = NULL, "entitledPlans" = NULL WHERE "customerId" = 'Cust10003'`);
    await portal.end();
  }
});
