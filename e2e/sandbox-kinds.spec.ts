/**
 * Rule 17 in the browser: an admin orders a configuration-only sandbox, seeing what
 * each kind holds, its size and duration; the wizard starts from that kind and shows
 * what it costs and what the dry run leaves out; the sandbox's page and report say
 * what it holds, with no customer record in it.
 */
import { expect, test } from "@playwright/test";
import pg from "pg";
import { readE2eServerInfo } from "../lib/testing/e2e-server-info";
import { connectToServerDatabase, expectAccessible, signIn } from "./fixtures";

test("a configuration-only sandbox: chosen in the wizard, counted by the dry run, empty of customer records", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signIn(page, "admin@bergenbakeri.example");
  await page.goto("/sandboxes/new");
  const kindChoice = page.getByRole("group", { name: "What the sandbox holds" });
  await expect(kindChoice.getByLabel(/^Full copy/)).toBeChecked();
  await expect(kindChoice.getByTestId("kind-size-full")).toContainText(/about [\d,]+ rows, [\d.]+ [kM]B/);
  await expect(kindChoice.getByTestId("kind-size-config")).toContainText(/about [\d,]+ rows/);
  await kindChoice.getByLabel(/^Configuration only/).check();
  await expect(page.getByText("Estimated duration (configuration only)")).toBeVisible();
  await expectAccessible(page, "order form, configuration only");
  await page.getByLabel("Sandbox name").fill(`Config ${Date.now().toString(36)}`);
  await page.getByLabel("Sales Premium").fill("1");
  await page.getByLabel(/dead end/).check();
  await page.getByLabel(/not a backup/).check();
  await page.getByRole("button", { name: "Order and continue to setup" }).click();
  await expect(page).toHaveURL(/\/sandboxes\/[^/]+\/setup$/);
  const sandboxPath = new URL(page.url()).pathname.replace(/\/setup$/, "");

  const heading = page.getByRole("heading", { level: 2, name: /^Step \d of 6/ });
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(heading).toContainText("Step 4 of 6: Data");

  // The wizard starts from the kind ordered.
  await expect(page.getByLabel(/^Configuration only/)).toBeChecked();
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
