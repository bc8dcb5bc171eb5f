/**
 * The setup wizard's refresh mode end to end: a ready sandbox's admin opens the
 * wizard from the sandbox page, finds the saved choices, changes one, reads what
 * a refresh does, is told when another run is already going, and starts the
 * refresh; the new copy is built with the changed choice. Database checks query
 * the e2e server's own PostgreSQL directly.
 */
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { readE2eServerInfo } from "../lib/testing/e2e-server-info";
import { connectToServerDatabase, expectAccessible, orderSandbox, signIn } from "./fixtures";

test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

// A tenant of its own, so the sandbox-page spec's runs never meet this one's.
const ADMIN = "admin@bergenbakeri.example";
const NAME = `Refresh ${Date.now().toString(36)}`;
let dbUrl = "";
let portal: pg.Client;

async function sandboxRow(id: string) {
  const { rows } = await portal.query<{ status: string; databaseName: string | null; options: { invalidationDomain: string } }>(
    'SELECT status, "databaseName", options FROM "Sandbox" WHERE id = $1',
    [id],
  );
  return rows[0]!;
}

const stepHeading = (page: Page) => page.getByRole("heading", { level: 2, name: /^Step \d of 6/ });
const next = (page: Page) => page.getByRole("button", { name: "Next", exact: true }).click();

test.beforeAll(async ({}, testInfo) => {
  portal = await connectToServerDatabase(testInfo);
  dbUrl = readE2eServerInfo(testInfo.project.use.baseURL!).databaseUrl;
});
test.afterAll(async () => {
  await portal?.end();
});

test("a customer admin changes a choice in refresh mode and the refresh starts with it", async ({ page }) => {
  await signIn(page, ADMIN);
  const sandboxUrl = await orderSandbox(page, NAME);
  const sandboxId = sandboxUrl.split("/").pop()!;

  // Not ready yet: refresh mode refuses, and says why.
  await page.goto(`${sandboxUrl}/setup?mode=refresh`);
  await expect(page.getByTestId("setup-problem")).toHaveText("Only a ready sandbox can be refreshed. This one is awaiting setup.");
  await page.goto(`${sandboxUrl}/setup`);

  for (let i = 0; i < 5; i++) await next(page);
  await page.getByLabel(/there is no going back/).check();
  await page.getByRole("button", { name: "Confirm and start the copy" }).click();
  await expect(page).toHaveURL(new RegExp(`${sandboxUrl}$`));
  await expect(page.getByTestId("sandbox-status")).toHaveText("Ready", { timeout: 150_000 });
  expect((await sandboxRow(sandboxId)).options.invalidationDomain).toBe("mailinator.com");

  // Refresh mode: the same steps, filled with the saved choices.
  await page.getByRole("link", { name: "Change the choices and refresh" }).click();
  await expect(page).toHaveURL(/\/setup\?mode=refresh$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Refresh “${NAME}”`);
  await expect(stepHeading(page)).toContainText("Step 1 of 6: Access");
  await expect(page.getByTestId("plan-usage")).toContainText("Sales Premium: 2 of 2 used");
  await expect(page.getByRole("button", { name: "Save and finish later" })).toHaveCount(0);
  await next(page);
  await expect(stepHeading(page)).toContainText("Step 2 of 6: E-mail");
  const domain = page.getByLabel("E-mail invalidation domain");
  await expect(domain).toHaveValue("mailinator.com");
  await domain.fill("refresh.example");
  await expect(page.getByTestId("email-preview")).toContainText("@refresh.example");
  for (let i = 0; i < 4; i++) await next(page);

  await expect(stepHeading(page)).toContainText("Step 6 of 6: Review");
  const explained = page.getByTestId("refresh-explained");
  await expect(explained).toContainText("overwritten with a new copy of production");
  await expect(explained).toContainText("App authorizations and webhooks made in the sandbox are kept");
  await expect(explained).toContainText("old copy stays ready and usable until the new one has been verified");
  await expect(page.getByTestId("review-choices")).toContainText("refresh.example");
  await expect(page.getByTestId("dry-run")).toContainText("Inbox messages removed");
  await expectAccessible(page);

  // Meanwhile another refresh starts. A real one of this small production can end before the click lands, so a
  // run row held RUNNING (fresh heartbeat, never queued: no worker takes it) makes the conflict deterministic.
  const { rows: held } = await portal.query<{ id: string }>(
    `INSERT INTO "SandboxRun" (id, "sandboxId", kind, status, options, "startedAt", "heartbeatAt", "createdAt")
     VALUES ('e2eheld' || substr(md5(random()::text), 1, 12), $1, 'REFRESH', 'RUNNING', '{}', now(), now(), now()) RETURNING id`,
    [sandboxId],
  );
  await portal.query(`UPDATE "Sandbox" SET status = 'REFRESHING' WHERE id = $1`, [sandboxId]);

  const confirm = page.getByRole("button", { name: "Confirm and start the refresh" });
  await confirm.click();
  await expect(page.getByText("Tick the box to confirm that the sandbox is overwritten with a new copy.")).toBeVisible();
  await page.getByLabel(/the sandbox is overwritten with a new copy of production/).check();
  await confirm.click();
  await expect(page.getByTestId("confirm-error")).toHaveText("A run is already in progress for this sandbox. Wait for it to finish.");
  await expect(page).toHaveURL(/\/setup\?mode=refresh$/);
  expect((await portal.query(`SELECT 1 FROM "SandboxRun" WHERE "sandboxId" = $1 AND options->>'invalidationDomain' = 'refresh.example'`, [sandboxId])).rowCount).toBe(0);

  // Once that run has ended (here: failed, so the old copy is kept), the edited choices go through.
  await portal.query(`UPDATE "SandboxRun" SET status = 'FAILED', "finishedAt" = now(), error = 'Stopped by the test.' WHERE id = $1`, [held[0]!.id]);
  await portal.query(`UPDATE "Sandbox" SET status = 'READY' WHERE id = $1`, [sandboxId]);
  await confirm.click();
  await expect(page).toHaveURL(new RegExp(`${sandboxUrl}$`));
  const { rows: runs } = await portal.query<{ kind: string; options: { invalidationDomain: string } }>(
    'SELECT kind, options FROM "SandboxRun" WHERE "sandboxId" = $1 ORDER BY "createdAt" DESC LIMIT 1',
    [sandboxId],
  );
  expect(runs[0]).toMatchObject({ kind: "REFRESH", options: { invalidationDomain: "refresh.example" } });
  const { rows: audit } = await portal.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'sandbox.refresh.requested' AND "targetId" = $1 AND (details->>'choicesEdited')::boolean`,
    [sandboxId],
  );
  expect(audit[0]!.n).toBe(1);

  // The new copy is built with the changed choice, and it becomes the saved one.
  await expect(page.getByTestId("sandbox-status")).toHaveText("Ready", { timeout: 150_000 });
  await expect.poll(async () => (await sandboxRow(sandboxId)).options.invalidationDomain).toBe("refresh.example");
  const url = new URL(dbUrl);
  url.pathname = `/${(await sandboxRow(sandboxId)).databaseName}`;
  const copy = new pg.Client({ connectionString: url.toString() });
  await copy.connect();
  try {
    const { rows } = await copy.query<{ other: number; rewritten: number }>(
      `SELECT count(*) FILTER (WHERE email NOT LIKE '%@refresh.example')::int AS other, count(*) FILTER (WHERE email LIKE '%@refresh.example')::int AS rewritten
         FROM associate WHERE email IS NOT NULL AND email <> ''`,
    );
    expect(rows[0]).toMatchObject({ other: 0 });
    expect(rows[0]!.rewritten).toBeGreaterThan(0);
  } finally {
    await copy.end();
  }

  // Another tenant's admin cannot open this sandbox's refresh wizard.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, "admin@fjordline.example");
  expect((await page.goto(`${sandboxUrl}/setup?mode=refresh`))?.status()).toBe(404);
});
