import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { DEMO_PASSWORD } from "../scripts/demo-accounts";
import { readE2eServerInfo } from "../lib/testing/e2e-server-info";

export { DEMO_PASSWORD };

/** Signs in through the real form. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("who-am-i")).toBeVisible();
}

/** No serious or critical axe violations on the page as it is now. */
export async function expectAccessible(page: Page, where = page.url()): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${where}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** Orders a sandbox through the order form as the signed-in admin; returns the sandbox's page path once the wizard opens. */
export async function orderSandbox(page: Page, name: string, salesPremiumPlans = 2): Promise<string> {
  await page.goto("/sandboxes/new");
  await page.getByLabel("Sandbox name").fill(name);
  await page.getByLabel("Sales Premium").fill(String(salesPremiumPlans));
  await page.getByLabel(/dead end/).check();
  await page.getByLabel(/not a backup/).check();
  await page.getByRole("button", { name: "Order and continue to setup" }).click();
  await expect(page).toHaveURL(/\/sandboxes\/[^/]+\/setup$/);
  return new URL(page.url()).pathname.replace(/\/setup$/, "");
}

/** A connection to the database of the server under test, to check with a query what a click changed. */
export async function connectToServerDatabase(testInfo: TestInfo): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: readE2eServerInfo(testInfo.project.use.baseURL!).databaseUrl });
  await client.connect();
  return client;
}
