/**
 * The sandbox page end to end, on the e2e server (production build, in-app
 * worker, demo data): order and set up through the real UI, watch the copy's
 * progress, read the report, refresh (the old copy stays ready until the swap),
 * fix the checklist, delete. Database checks query the e2e server's own
 * PostgreSQL directly (see connectToServerDatabase), never through an app route.
 */
import { expect, test } from "@playwright/test";
import pg from "pg";
import { readE2eServerInfo } from "../lib/testing/e2e-server-info";
import { connectToServerDatabase, expectAccessible, orderSandbox, signIn } from "./fixtures";

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const ADMIN = "admin@nordlys.example";
const NAME = `E2E ${Date.now().toString(36)}`;
let sandboxUrl = "";
let sandboxId = "";
let portal: pg.Client;

async function sandboxRow() {
  const { rows } = await portal.query<{ status: string; databaseName: string | null }>('SELECT status, "databaseName" FROM "Sandbox" WHERE id = $1', [sandboxId]);
  return rows[0]!;
}

/** A query on the sandbox's current database (the sandbox server is the portal's own server in e2e). */
async function onSandbox<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const { databaseName } = await sandboxRow();
  const url = new URL(dbUrl);
  url.pathname = `/${databaseName}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

let dbUrl = "";

test.beforeAll(async ({}, testInfo) => {
  portal = await connectToServerDatabase(testInfo);
  dbUrl = readE2eServerInfo(testInfo.project.use.baseURL!).databaseUrl;
});
test.afterAll(async () => {
  await portal?.end();
});

test("ordering and setting up shows the copy's progress live, then the report", async ({ page }) => {
  await signIn(page, ADMIN);
  await orderSandbox(page, NAME);
  for (let i = 0; i < 5; i++) {
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await expect(page.getByRole("heading", { name: new RegExp(`^Step ${i + 2} of`) })).toBeVisible();
  }
  await page.getByLabel(/there is no going back/).check();
  await page.getByRole("button", { name: "Confirm and start the copy" }).click();

  await expect(page).toHaveURL(/\/sandboxes\/[a-z0-9]+$/);
  sandboxUrl = new URL(page.url()).pathname;
  sandboxId = sandboxUrl.split("/").pop()!;
  // The run is queued or running when the page first renders: the progress section is there, and it moves without a reload.
  const progress = page.getByTestId("run-progress");
  await expect(progress).toBeVisible();
  await expect(progress.getByRole("progressbar", { name: "Overall progress" })).toBeVisible();
  await expect(progress.getByText(/Elapsed:/)).toBeVisible();

  // When it ends the page refreshes itself: the report appears and the status is Ready.
  await expect(page.getByRole("heading", { name: "Sanitization report" })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("sandbox-status")).toHaveText("Ready");
  await expect(page.getByTestId("run-progress")).toHaveCount(0);
  // Every check passed: the rules wait behind their summary, which opens them.
  const rules = page.getByRole("list", { name: "Rules" });
  await expect(rules).toBeHidden();
  await page.getByText(/^Every rule: what it changed and how it was checked/).click();
  await expect(rules.getByRole("listitem").first()).toBeVisible();
  await expect(page.getByTestId("run-row").first()).toContainText("Succeeded");

  const json = await page.request.get(await page.getByRole("link", { name: "Download JSON" }).getAttribute("href") ?? "");
  expect(json.status()).toBe(200);
  const report = (await json.json()) as { snapshotAt: string; rules: unknown[] };
  expect(report.snapshotAt).toBeTruthy();
  expect(report.rules.length).toBeGreaterThan(5);
  const csv = await page.request.get(await page.getByRole("link", { name: "Download CSV" }).getAttribute("href") ?? "");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toMatch(/^section,name,key,value,ok,offending/);

  // The orderer hears about it in the portal too.
  // The notice comes from the run's follow-up, just after the run ends: a user who does not see it yet closes the menu and opens it again.
  const notifications = page.getByTestId("notifications");
  await expect(async () => {
    if (await notifications.getAttribute("open") !== null) await notifications.locator("summary").click();
    await notifications.locator("summary").click();
    await expect(notifications.getByRole("link", { name: new RegExp(`${NAME}.*is ready`) })).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expectAccessible(page);
});

test("another tenant's admin gets a 404 for the page, the progress and the report", async ({ page }) => {
  await signIn(page, "admin@fjordline.example");
  const response = await page.goto(sandboxUrl);
  expect(response?.status()).toBe(404);
  expect((await page.request.get(`/api/sandboxes/${sandboxId}/progress`)).status()).toBe(404);
  // The outbox page is for development only: the e2e server is a production build.
  expect((await page.request.get("/dev/outbox")).status()).toBe(404);
});

test("each checklist fix changes the sandbox database", async ({ page }) => {
  // Someone worked in the sandbox: opt-ins back on, ERP sync on, every task running, an app's panel visible.
  await onSandbox("UPDATE preference SET value = 'Yes' WHERE section = 'System' AND name LIKE '%OptIn - Configured' AND associate_id IS NULL");
  await onSandbox("UPDATE erp_connection SET auto_sync = true");
  await onSandbox("UPDATE scheduled_task SET enabled = true");
  await onSandbox("INSERT INTO web_panel (name, url, location, visible, created_by_app, created_at) VALUES ('E2E panel', 'https://apps.example/p', 'navigator', true, 'E2E App', now())");

  await signIn(page, ADMIN);
  await page.goto(sandboxUrl);
  const checklist = page.getByRole("region", { name: "Best-practices checklist" });
  await expect(checklist.getByTestId("check-optins")).toContainText("Needs attention");

  await checklist.getByRole("button", { name: "Set both to No" }).click();
  await expect(checklist.getByTestId("check-optins")).toContainText("OK");
  // The button went with the fix: the keyboard stays in the checklist, at its heading.
  await expect(checklist.getByRole("heading", { name: "Best-practices checklist" })).toBeFocused();
  expect(await onSandbox("SELECT value FROM preference WHERE section = 'System' AND name LIKE '%OptIn - Configured' AND associate_id IS NULL")).toEqual([
    { value: "No" },
    { value: "No" },
  ]);

  await checklist.getByRole("button", { name: "Turn off automatic sync" }).click();
  await expect(checklist.getByTestId("check-erp")).toContainText("OK");
  expect(await onSandbox("SELECT count(*)::int AS n FROM erp_connection WHERE auto_sync")).toEqual([{ n: 0 }]);

  await checklist.getByRole("button", { name: "Pause all scheduled tasks" }).click();
  await expect(checklist.getByTestId("check-tasks")).toContainText("OK");
  expect(await onSandbox("SELECT count(*)::int AS n FROM scheduled_task WHERE enabled")).toEqual([{ n: 0 }]);

  await checklist.getByRole("button", { name: "Hide these web panels" }).click();
  await expect(checklist.getByTestId("check-panels")).toContainText("OK");
  expect(await onSandbox("SELECT count(*)::int AS n FROM web_panel WHERE visible AND created_by_app IS NOT NULL")).toEqual([{ n: 0 }]);

  await checklist.getByLabel(/not a backup/).check();
  await checklist.getByLabel(/dead end/).check();
  await expect(checklist.getByTestId("check-reminders")).toContainText("OK");

  await page.goto("/audit?action=checklist.fixed");
  await expect(page.getByTestId("audit-row").filter({ hasText: NAME })).toHaveCount(4);
  await expectAccessible(page);
});

test("a refresh keeps the old copy ready and usable until the verified swap", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto(sandboxUrl);
  const before = await sandboxRow();
  expect(before.status).toBe("READY");
  const oldDb = before.databaseName!;

  await page.getByRole("button", { name: "Refresh now with saved choices" }).click();
  const dialog = page.getByRole("dialog", { name: /Refresh/ });
  await expect(dialog).toContainText("app authorizations and webhooks created in the sandbox");
  await expect(dialog).toContainText("stays ready and usable until the new one has been verified");
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Yes, refresh the sandbox" }).click();
  await expect(page.getByTestId("run-progress")).toContainText("The current copy stays ready and usable");
  // Said in the page's status region, and the keyboard lands on the run's progress, not on the page's body.
  await expect(page.getByTestId("page-announcement")).toHaveText("Refresh started.");
  await expect(page.getByRole("heading", { name: /^Refreshing the sandbox/ })).toBeFocused();

  // While the run goes, the sandbox still points at the old copy, and the old copy answers.
  const oldUrl = new URL(dbUrl);
  oldUrl.pathname = `/${oldDb}`;
  let observedWhileRunning = 0;
  for (;;) {
    const { rows } = await portal.query<{ status: string; databaseName: string }>(
      `SELECT r.status, s."databaseName" FROM "SandboxRun" r JOIN "Sandbox" s ON s.id = r."sandboxId" WHERE s.id = $1 ORDER BY r."createdAt" DESC LIMIT 1`,
      [sandboxId],
    );
    const current = rows[0]!;
    if (current.status !== "QUEUED" && current.status !== "RUNNING") break;
    expect(current.databaseName).toBe(oldDb);
    const old = new pg.Client({ connectionString: oldUrl.toString() });
    await old.connect();
    expect((await old.query("SELECT environment FROM installation")).rows).toEqual([{ environment: "sandbox" }]);
    await old.end();
    observedWhileRunning++;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(observedWhileRunning).toBeGreaterThan(0);

  await expect(page.getByTestId("sandbox-status")).toHaveText("Ready", { timeout: 120_000 });
  const after = await sandboxRow();
  expect(after.databaseName).not.toBe(oldDb);
  // The old copy is dropped just after the swap commits.
  await expect.poll(async () => (await portal.query("SELECT 1 FROM pg_database WHERE datname = $1", [oldDb])).rowCount).toBe(0);
  await expect(page.getByTestId("run-row").first()).toContainText("Refresh");
  await expect(page.getByTestId("run-row").first()).toContainText("Succeeded");
});

/**
 * Runs `check` beside a refresh of the test's sandbox that no worker carries out: its row
 * is written here (`columns`: column → SQL value, `$2`… for `params`) and no job is queued.
 * Then removes it, and the sandbox is ready again.
 */
async function withPlantedRefresh(columns: Record<string, string>, params: unknown[], check: (runId: string) => Promise<void>): Promise<void> {
  const names = Object.keys(columns).map((c) => `"${c}"`).join(", ");
  const { rows } = await portal.query<{ id: string }>(
    `INSERT INTO "SandboxRun" (id, "sandboxId", kind, options, attempts, "createdAt", ${names})
     VALUES ('e2erun' || substr(md5(random()::text), 1, 12), $1, 'REFRESH', '{}', 1, now(), ${Object.values(columns).join(", ")})
     RETURNING id`,
    [sandboxId, ...params],
  );
  await portal.query(`UPDATE "Sandbox" SET status = 'REFRESHING' WHERE id = $1`, [sandboxId]);
  try {
    await check(rows[0]!.id);
  } finally {
    await portal.query(`DELETE FROM "SandboxRun" WHERE id = $1`, [rows[0]!.id]);
    await portal.query(`UPDATE "Sandbox" SET status = 'READY' WHERE id = $1`, [sandboxId]);
  }
}

test("a run whose worker was lost says why it does not move, and promises no time left", async ({ page }) => {
  // A refresh whose worker was lost 3 minutes ago while its sandbox server does not answer. Its
  // fresh heartbeat keeps the e2e server's own recovery off it for the test's length.
  const lost = { status: "'RUNNING'", startedAt: "now() - interval '5 minutes'", heartbeatAt: "now()", lostAt: "now() - interval '3 minutes'" };
  await withPlantedRefresh(lost, [], async () => {
    await signIn(page, ADMIN);
    await page.goto(sandboxUrl);
    await expect(page.getByTestId("run-waiting")).toHaveText(/^The worker carrying out this run stopped 3 min \d+ s ago\. The run is queued again/);
    await expect(page.getByTestId("eta")).toHaveText("Time left: not known until it starts again");
    await expectAccessible(page);
  });
});

test("a refresh waiting for room says so, and its customer may cancel it before it starts", async ({ page }) => {
  const waitingWords = "The sandbox server has no room for this copy (about 400.0 MB) yet. Nothing was kept; our operators have been told. The copy starts as soon as there is room.";
  await withPlantedRefresh({ status: "'QUEUED'", error: "$2", roomRefusedBytes: "400 * 1024 * 1024" }, [waitingWords], async () => {
    await signIn(page, ADMIN);
    await page.goto(sandboxUrl);
    await expect(page.getByTestId("run-waiting")).toHaveText(waitingWords);
    await expectAccessible(page);
    await page.getByRole("button", { name: "Cancel this refresh" }).click();
    await expect(page.getByRole("heading", { name: "The last refresh was cancelled" })).toBeVisible();
    // The button went with the waiting run: its outcome is said on the page, and the keyboard goes to the page's heading.
    await expect(page.getByTestId("page-announcement")).toHaveText("Cancelled before it started.");
    await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
    await expect(page.getByTestId("run-cancelled")).toContainText(/Cancelled by .+ before it started\. Nothing was changed\./);
    await expect(page.getByTestId("run-failure")).toHaveCount(0);
    await expect(page.getByTestId("run-row").first()).toContainText("Cancelled");
    await expect(page.getByRole("button", { name: "Start it again" })).toBeVisible();
    await expect(page.getByTestId("run-cancelled")).toContainText("Started again, it takes the choices it had; “Change the choices and refresh” takes others.");
    await expect(page.getByTestId("sandbox-status")).toHaveText("Ready");
    await expectAccessible(page);
  });
});

test("a refresh under way can be stopped from its page, after a second click", async ({ page }) => {
  // A live heartbeat and no worker behind it: the stop stays asked.
  await withPlantedRefresh({ status: "'RUNNING'", startedAt: "now()", heartbeatAt: "now()" }, [], async (runId) => {
    await signIn(page, ADMIN);
    await page.goto(sandboxUrl);
    await page.getByRole("button", { name: "Stop this refresh" }).click();
    await expect(page.getByRole("group", { name: "Stop this refresh?" })).toContainText("What it has copied so far is thrown away.");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Yes, stop the refresh" }).click();
    await expect(page.getByTestId("run-stopping")).toHaveText("Stopping, as asked: what it made so far is being removed, and nothing of it will be kept. The current copy stays as it is.");
    await expect(page.getByRole("button", { name: "Stop this refresh" })).toHaveCount(0);
    await expect(page.getByTestId("eta")).toHaveText("Time left: none, it is stopping");
    const [run] = (await portal.query<{ stopReason: string | null; status: string }>(`SELECT "stopReason", status FROM "SandboxRun" WHERE id = $1`, [runId])).rows;
    expect(run).toMatchObject({ status: "RUNNING", stopReason: expect.stringMatching(/^Stopped by .+ while it ran\. Nothing of it was kept\.$/) });
    await expectAccessible(page);
  });
});

test("a waiting run's Cancel, clicked after a worker took the run, stops nothing and says why", async ({ page }) => {
  await withPlantedRefresh({ status: "'QUEUED'" }, [], async (runId) => {
    await signIn(page, ADMIN);
    await page.goto(sandboxUrl);
    await expect(page.getByRole("button", { name: "Cancel this refresh" })).toBeVisible();
    // A worker claims it while the page is open.
    await portal.query(`UPDATE "SandboxRun" SET status = 'RUNNING', "startedAt" = now(), "heartbeatAt" = now() WHERE id = $1`, [runId]);
    await page.getByRole("button", { name: "Cancel this refresh" }).click();
    // Shown by the button, which stays, and said in the page's status region.
    await expect(page.getByTestId("action-message")).toContainText("The run started meanwhile, so it was not cancelled.");
    await expect(page.getByTestId("page-announcement")).toContainText("The run started meanwhile, so it was not cancelled.");
    const [run] = (await portal.query<{ stopReason: string | null; status: string }>(`SELECT "stopReason", status FROM "SandboxRun" WHERE id = $1`, [runId])).rows;
    expect(run).toEqual({ status: "RUNNING", stopReason: null });
  });
});

test("a page that can no longer follow its run says so, and why, instead of freezing", async ({ page }) => {
  await withPlantedRefresh({ status: "'RUNNING'", startedAt: "now()", heartbeatAt: "now()" }, [], async () => {
    await signIn(page, ADMIN);
    // The portal unreachable for a while: said after a few missed polls, and gone once they answer again.
    await page.route("**/api/sandboxes/*/progress", (route) => route.fulfill({ status: 503, body: "" }));
    await page.goto(sandboxUrl);
    await expect(page.getByTestId("progress-lost")).toHaveText("Lost contact with the portal: the figures below may be behind. Trying again…");
    await expect(page.getByTestId("eta")).toHaveText("Time left: not known while the page cannot follow the run");
    await page.unroute("**/api/sandboxes/*/progress");
    await expect(page.getByTestId("progress-lost")).toHaveCount(0);
    // The session ended: polling stops, and the page says what to do.
    await page.route("**/api/sandboxes/*/progress", (route) => route.fulfill({ status: 401, contentType: "application/json", body: '{"error":"UNAUTHENTICATED"}' }));
    await expect(page.getByTestId("progress-lost")).toHaveText(/^Your session has ended, so this page no longer follows the run \(the run goes on\)\. Sign in again/);
    await expectAccessible(page);
  });
});

test("deleting needs the exact name, then drops the sandbox database", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto(sandboxUrl);
  const { databaseName } = await sandboxRow();
  const field = page.getByLabel(/Type the sandbox's name/);
  const button = page.getByRole("button", { name: "Delete sandbox" });
  await field.fill(NAME.toLowerCase());
  await expect(button).toBeDisabled();
  // Why it stays off is said, not left to guess.
  await expect(page.getByTestId("confirm-name-hint")).toHaveText(`Not the name yet: type ${NAME} exactly as shown, with its capitals and spaces.`);
  await field.fill(NAME);
  await expect(button).toBeEnabled();
  await expect(page.getByTestId("confirm-name-hint")).toHaveText("");
  await button.click();
  await expect(page.getByTestId("sandbox-status")).toHaveText("Deleted", { timeout: 60_000 });
  await expect.poll(async () => (await portal.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName])).rowCount).toBe(0);
  await page.goto("/audit?action=sandbox.delete.requested");
  await expect(page.getByTestId("audit-row").first()).toContainText(NAME);
});
