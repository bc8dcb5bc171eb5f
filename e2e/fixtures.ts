import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, DEMO_USERS } from "../scripts/demo-accounts";
import { readE2eServerInfo } from "../lib/testing/e2e-server-info";
import { listOutbox, type StoredMail } from "../lib/notifications/mailer";
import { timeStepOf, totpCode } from "../lib/auth/totp";

export { DEMO_PASSWORD };

/** Signs in through the real form; demo staff also give their authenticator code when asked. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (DEMO_USERS.some((u) => u.email === email && (u.role === "OPERATOR" || u.role === "SALES_REP"))) {
    await page.getByLabel("Authentication code").fill(await unusedDemoStaffCode(email, test.info()));
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await expect(page.getByTestId("who-am-i")).toBeVisible();
}

/**
 * A demo staff code the server has not accepted yet. Each code signs in once,
 * so a second sign-in within one 30-second step waits for the next step.
 */
async function unusedDemoStaffCode(email: string, testInfo: TestInfo): Promise<string> {
  const client = await connectToServerDatabase(testInfo);
  const { rows } = await client.query<{ step: number | null }>('SELECT "totpLastTimeStep" AS step FROM "User" WHERE email = $1', [email]);
  await client.end();
  const now = Date.now() / 1000;
  const step = Math.max(timeStepOf(now), (rows[0]?.step ?? 0) + 1);
  const wait = step * 30 - now;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 250));
  return totpCode(DEMO_STAFF_TOTP_SECRET, step * 30 + 1);
}

/** No serious or critical axe violations on the page as it is now. */
export async function expectAccessible(page: Page, where = page.url()): Promise<void> {
  // Next.js streams a dynamic page's metadata after its body: wait for the title, or axe
  // may judge a page whose <title> has not arrived yet.
  await expect(page).toHaveTitle(/\S/);
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

/** Runs `sql` on a demo tenant's production database (on the e2e server's own PostgreSQL, as the seed made it). */
export async function onDemoProduction(testInfo: TestInfo, customerId: string, sql: string): Promise<void> {
  const url = new URL(readE2eServerInfo(testInfo.project.use.baseURL!).databaseUrl);
  url.pathname = `/crm_${customerId.toLowerCase()}_production`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A customer user of its own, for a test that changes how it signs in (a demo account's
 * password and second factor must stay the demo's): the demo user's row, copied under a
 * new address, with the demo password. Its e-mail address.
 */
export async function accountOfItsOwn(testInfo: TestInfo, who: string, name: string): Promise<string> {
  const email = `${who}-${testInfo.workerIndex}-${Date.now()}@fjordline.example`;
  const db = await connectToServerDatabase(testInfo);
  try {
    await db.query(
      `INSERT INTO "User" (id, email, name, role, "tenantId", "passwordHash")
       SELECT $1, $2, $3, role, "tenantId", "passwordHash" FROM "User" WHERE email = 'user@fjordline.example'`,
      [`e2e-${email}`, email, name],
    );
  } finally {
    await db.end();
  }
  return email;
}

/** The mails the server has sent to `email` (its outbox: the e2e server has no SMTP), newest first. */
export async function mailsTo(testInfo: TestInfo, email: string): Promise<StoredMail[]> {
  const mails = await listOutbox(Infinity, readE2eServerInfo(testInfo.project.use.baseURL!).outboxDir);
  return mails.filter((m) => m.to.includes(email));
}
