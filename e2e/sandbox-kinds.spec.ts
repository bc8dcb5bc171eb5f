/**
 * Rule 17 in the browser: an admin chooses a configuration-only sandbox in the
 * wizard, sees what it costs and what the dry run leaves out, and gets a sandbox
 * whose page and report say what it holds, with no customer record in it.
 */
import { expect, test } from "@playwright/test";
import pg from "pg";
import { readE2eServerInfo } from "../lib/testing/e2e-server-info";
import { connectToServerDatabase, expectAccessible, orderSandbox, signIn } from "./fixtures";

test("a configuration-only sandbox: chosen in the wizard, counted by the dry run, empty of customer records", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signIn(page, "admin@bergenbakeri.example");
  const sandboxPath = await orderSandbox(page, `Config ${Date.now().toString(36)}`, 1);
  const heading = page.getByRole("heading", { level: 2, name: /^Step \d of 6/ });
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(heading).toContainText("Step 4 of 6: Data");

  await page.getByLabel(/^Configuration only/).check();
  await expect(page.getByTestId("config-only-data")).toContainText("holds no documents or Service attachments");
  await expect(page.getByRole("group", { name: "Documents" })).toHaveCount(0);
  await expectAccessible(page, "wizard data step, configuration only");

  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(heading).toContainText("Step 6 of 6: Review");
  await expect(page.getByTestId("review-choices")).toContainText("Configuration only");
  await expect(page.getByTestId("dry-run").getByRole("row", { name: /^Customer records left out \(configuration only\)/ })).toBeVisible();
  await page.getByLabel(/there is no going back/).check();
  await page.getByRole("button", { name: "Confirm and start the copy" }).click();

  await expect(page.getByRole("heading", { name: "Sanitization report" })).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId("sandbox-kind")).toContainText("Configuration only");
  const kinds = page.getByRole("list", { name: "Rules" }).getByRole("listitem").filter({ hasText: "Rule 17: Kinds" });
  await expect(kinds).toContainText("Companies left out (configuration only)");
  await expectAccessible(page, "configuration-only sandbox page");

  // What the page says is what the database holds.
  const portal = await connectToServerDatabase(testInfo);
  const { rows } = await portal.query<{ databaseName: string }>('SELECT "databaseName" FROM "Sandbox" WHERE id = $1', [sandboxPath.split("/").pop()]);
  await portal.end();
  const url = new URL(readE2eServerInfo(testInfo.project.use.baseURL!).databaseUrl);
  url.pathname = `/${rows[0]!.databaseName}`;
  const sandbox = new pg.Client({ connectionString: url.toString() });
  await sandbox.connect();
  try {
    const counts = await sandbox.query<{ companies: string; associates: string }>("SELECT (SELECT count(*) FROM company) AS companies, (SELECT count(*) FROM associate) AS associates");
    expect(counts.rows[0]).toMatchObject({ companies: "0" });
    expect(Number(counts.rows[0]!.associates)).toBeGreaterThan(0);
  } finally {
    await sandbox.end();
  }
});
