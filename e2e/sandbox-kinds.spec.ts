/**
 * Rule 17 in the browser: an admin orders a configuration-only sandbox, seeing what
 * each kind holds, its size and duration, and the wizard starts from that kind; or
 * orders a full copy and chooses a partial one in the wizard. Each shows what it costs
 * and what the dry run counts, and gets a sandbox whose page and report say what it
 * holds, and whose database holds it.
 */
import { expect, test } from "@playwright/test";
import pg from "pg";
import { readE2eServerInfo } from "../lib/testing/e2e-server-info";
import type { Page, TestInfo } from "@playwright/test";
import { connectToServerDatabase, expectAccessible, signIn } from "./fixtures";

/** The sandbox database behind a sandbox page, read directly: what the page says is what it holds. */
async function withSandboxDatabase<T>(testInfo: TestInfo, sandboxPath: string, read: (client: pg.Client) => Promise<T>): Promise<T> {
  const portal = await connectToServerDatabase(testInfo);
  const { rows } = await portal.query<{ databaseName: string }>('SELECT "databaseName" FROM "Sandbox" WHERE id = $1', [sandboxPath.split("/").pop()]);
  await portal.end();
  const url = new URL(readE2eServerInfo(testInfo.project.use.baseURL!).databaseUrl);
  url.pathname = `/${rows[0]!.databaseName}`;
  const sandbox = new pg.Client({ connectionString: url.toString() });
  await sandbox.connect();
  try {
    return await read(sandbox);
  } finally {
    await sandbox.end();
  }
}

/** Orders a sandbox of `kind` as a customer admin on the order form, and walks its wizard to the data step. */
async function orderToDataStep(page: Page, name: string, kind: "full" | "config") {
  await signIn(page, "admin@bergenbakeri.example");
  await page.goto("/sandboxes/new");
  const kindChoice = page.getByRole("group", { name: "What the sandbox holds" });
  await expect(kindChoice.getByLabel(/^Full copy/)).toBeChecked();
  await expect(kindChoice.getByTestId("kind-size-full")).toContainText(/about [\d,]+ rows, [\d.]+ [kM]B/);
  await expect(kindChoice.getByTestId("kind-size-config")).toContainText(/about [\d,]+ rows/);
  if (kind === "config") {
    await kindChoice.getByLabel(/^Configuration only/).check();
    await expect(page.getByText("Estimated duration (configuration only)")).toBeVisible();
    await expectAccessible(page, "order form, configuration only");
  }
  await page.getByLabel("Sandbox name").fill(`${name} ${Date.now().toString(36)}`);
  await page.getByLabel("Sales Premium").fill("1");
  await page.getByLabel(/dead end/).check();
  await page.getByLabel(/not a backup/).check();
  await page.getByRole("button", { name: "Order and continue to setup" }).click();
  await expect(page).toHaveURL(/\/sandboxes\/[^/]+\/setup$/);
  const sandboxPath = new URL(page.url()).pathname.replace(/\/setup$/, "");
  const heading = page.getByRole("heading", { level: 2, name: /^Step \d of 6/ });
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(heading).toContainText("Step 4 of 6: Data");
  return { sandboxPath, heading };
}

test("a configuration-only sandbox: ordered on the form, kept by the wizard, counted by the dry run, empty of customer records", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const { sandboxPath, heading } = await orderToDataStep(page, "Config", "config");

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
  await page.getByText(/^Every rule: what it changed and how it was checked/).click();
  const kinds = page.getByRole("list", { name: "Rules" }).getByRole("listitem").filter({ hasText: "Rule 17: Kinds" });
  await expect(kinds).toContainText("Companies left out (configuration only)");
  await expectAccessible(page, "configuration-only sandbox page");

  // What the page says is what the database holds.
  const counts = await withSandboxDatabase(testInfo, sandboxPath, async (c) => (await c.query<{ companies: string; associates: string }>("SELECT (SELECT count(*) FROM company) AS companies, (SELECT count(*) FROM associate) AS associates")).rows[0]!);
  expect(counts).toMatchObject({ companies: "0" });
  expect(Number(counts.associates)).toBeGreaterThan(0);

  // The web app's own worker, a process of its own, copied it: the web app's metrics count the run all the same.
  const { metricsToken } = readE2eServerInfo(testInfo.project.use.baseURL!);
  const metrics = await page.request.get("/api/metrics", { headers: { Authorization: `Bearer ${metricsToken}` } });
  expect(await metrics.text()).toMatch(/^sandbox_portal_runs_finished_total\{kind="PROVISION",outcome="succeeded"\} [1-9]/m);
});

test("a partial, pseudonymised sandbox: a share of companies chosen in the wizard, refused at 0 %, counted and previewed by the dry run, verified and ready", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const { sandboxPath, heading } = await orderToDataStep(page, "Partial", "full");

  await page.getByLabel(/^Partial copy/).check();
  const percent = page.getByLabel("Share of companies (%)");
  await expect(percent).toHaveValue("10");
  await percent.fill("0");
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(page.getByTestId("share-error")).toContainText("0 % copies no company");
  await expect(heading).toContainText("Step 4 of 6: Data");
  // Named companies: a part that is no id is named in the message, and its field takes the focus.
  await page.getByRole("radio", { name: "Named companies" }).check();
  const ids = page.getByLabel("Company ids");
  await ids.fill("abc, 12");
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(page.getByTestId("share-error")).toHaveText('"abc" is no company id. Each id is a whole number, such as 12.');
  await expect(ids).toBeFocused();
  await page.getByRole("radio", { name: "A share of all companies" }).check();
  await percent.fill("40");
  await expect(page.getByRole("group", { name: "Documents" })).toBeVisible();
  const allDocuments = page.getByRole("radio", { name: /^All documents/ });
  await allDocuments.check();
  await expect(allDocuments).toHaveAccessibleName(/adds .*B and/);
  await page.getByLabel(/^Pseudonymise/).check();
  // Pseudonymised, files come without their contents, and the copy takes longer: the estimates say so.
  await expect(allDocuments).toHaveAccessibleName(/names, dates and sizes only/);
  await expect(page.getByTestId("data-estimate")).toContainText("several times as long");
  await page.getByLabel("No documents").check();
  await expectAccessible(page, "wizard data step, partial copy");

  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(heading).toContainText("Step 6 of 6: Review");
  await expect(page.getByTestId("review-choices")).toContainText("Partial copy: 40 % of companies");
  // One choice changed from the review, and back to it in one press by its name above the form.
  await page.getByRole("button", { name: "Change data" }).first().click();
  await expect(heading).toContainText("Step 4 of 6: Data");
  await page.getByRole("navigation", { name: "Setup steps" }).getByRole("button", { name: "6. Review" }).click();
  await expect(heading).toContainText("Step 6 of 6: Review");
  const dryRun = page.getByTestId("dry-run");
  await expect(dryRun.getByRole("row", { name: /^Companies chosen \(partial copy\)/ })).toBeVisible();
  await expect(dryRun.getByRole("row", { name: /^Customer records left out \(partial copy\)/ })).toBeVisible();
  // Rule 18's preview, made by the web app in a process of its own: real names, and the fake ones the copy will hold.
  await expect(dryRun.getByRole("row", { name: /^People given a fake name/ })).toBeVisible();
  await expect(dryRun.getByTestId("personal-data-examples").getByRole("listitem").first()).toContainText("→");
  await page.getByLabel(/there is no going back/).check();
  await page.getByRole("button", { name: "Confirm and start the copy" }).click();

  await expect(page.getByRole("heading", { name: "Sanitization report" })).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId("sandbox-kind")).toContainText("Partial copy: 40 % of companies");
  await page.getByText(/^Every rule: what it changed and how it was checked/).click();
  const kinds = page.getByRole("list", { name: "Rules" }).getByRole("listitem").filter({ hasText: "Rule 17: Kinds" });
  await expect(kinds).toContainText("Companies left out (partial copy)");
  await expect(kinds).toContainText("Companies chosen (partial copy)");
  await expectAccessible(page, "partial sandbox page");

  const held = await withSandboxDatabase(testInfo, sandboxPath, async (c) => {
    const { rows } = await c.query<{ companies: string; orphans: string }>(
      "SELECT (SELECT count(*) FROM company) AS companies, (SELECT count(*) FROM contact x WHERE NOT EXISTS (SELECT 1 FROM company y WHERE y.id = x.company_id)) AS orphans",
    );
    return rows[0]!;
  });
  expect(Number(held.companies)).toBeGreaterThan(0);
  expect(held.orphans).toBe("0");
});
