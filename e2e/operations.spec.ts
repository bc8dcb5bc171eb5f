import { expect, test } from "@playwright/test";
import { readE2eServerInfo } from "../lib/testing/e2e-server-info";
import { connectToServerDatabase, expectAccessible, signIn } from "./fixtures";

test.describe("health, readiness and metrics", () => {
  test("liveness and readiness answer without a session and say nothing about the deployment", async ({ request }) => {
    const health = await request.get("/api/health");
    expect(health.status()).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    const ready = await request.get("/api/ready");
    expect(ready.status()).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok", queue: "ok", schema: "ok" } });
  });

  test("metrics need the configured bearer token", async ({ request, baseURL }) => {
    expect((await request.get("/api/metrics")).status()).toBe(401);
    expect((await request.get("/api/metrics", { headers: { Authorization: "Bearer not-the-token" } })).status()).toBe(401);
    const { metricsToken } = readE2eServerInfo(baseURL!);
    const scraped = await request.get("/api/metrics", { headers: { Authorization: `Bearer ${metricsToken}` } });
    expect(scraped.status()).toBe(200);
    expect(scraped.headers()["content-type"]).toContain("text/plain");
    const text = await scraped.text();
    for (const name of ["sandbox_portal_runs", "sandbox_portal_queue_depth", "sandbox_portal_workers_alive", "sandbox_portal_http_request_duration_seconds"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    // The worker of the server under test (its own process) has announced itself.
    expect(text).toMatch(/^sandbox_portal_workers_alive [1-9]/m);
  });
});

test.describe("the operations page", () => {
  test("shows operators the queue, the workers, the servers and the week's alerts, and lets them size a server; customers may open none of its pages", async ({ page }, testInfo) => {
    // An alert the operators were mailed about: the page lists it too, for whoever lost the mail.
    const alerts = await connectToServerDatabase(testInfo);
    await alerts.query(
      `INSERT INTO "Alert" (key, subject, detail, link, "firstAt", "lastAt", occurrences) VALUES ('e2e-pool-full', 'the sandbox server pool is full', 'Orders are refused.', '/operations/servers', now() - interval '2 hours', now(), 3)
       ON CONFLICT (key) DO UPDATE SET "lastAt" = now()`,
    );
    await alerts.end();
    await signIn(page, "operator@sandbox-portal.example");
    await page.getByRole("link", { name: "Operations" }).click();
    await expect(page.getByRole("heading", { name: "Operations", level: 1 })).toBeVisible();
    await expect(page.getByRole("table", { name: "Workers alive" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Sandbox servers" })).toBeVisible();
    await expect(page.getByTestId("server-row").filter({ hasText: "built-in" })).toContainText("Yes");
    const alert = page.getByTestId("alert-row").filter({ hasText: "the sandbox server pool is full" });
    await expect(alert).toContainText("Orders are refused.");
    await expect(alert.getByRole("link", { name: "the sandbox server pool is full" })).toHaveAttribute("href", "/operations/servers");
    await expectAccessible(page);

    // The pool's page: size the built-in server (a limit no test reaches), then lift the limit again.
    await page.getByRole("link", { name: "Register, size or drain servers" }).click();
    await expect(page.getByRole("heading", { name: "Sandbox servers", level: 1 })).toBeVisible();
    await expectAccessible(page);
    const builtIn = page.getByRole("form", { name: "Settings of built-in" });
    await builtIn.getByLabel("Most sandbox databases").fill("500");
    await builtIn.getByRole("button", { name: "Save built-in" }).click();
    await expect(page.getByTestId("server-status-built-in")).toContainText("Saved. It takes new sandboxes.");
    await expect(page.getByTestId("sandbox-server").filter({ hasText: "built-in" })).toContainText(/Sandboxes: \d+ of 500/);
    await builtIn.getByLabel("Most sandbox databases").fill("");
    await builtIn.getByRole("button", { name: "Save built-in" }).click();
    await expect(page.getByTestId("sandbox-server").filter({ hasText: "built-in" })).toContainText(/Sandboxes: \d+ of no limit/);
    // A connection URL's field is a password field, and the built-in server shows as host:port, without its role.
    await expect(page.getByLabel("Connection URL")).toHaveAttribute("type", "password");
    expect(await page.content()).not.toContain("sandbox_maker");

    await page.context().clearCookies();
    await signIn(page, "admin@nordlys.example");
    await expect(page.getByRole("link", { name: "Operations" })).toHaveCount(0);
    // Refused where asked, with a 403 and the page that says so: not a heading renamed, a 500 or a redirect.
    // A run's page names other customers' people and failures: refused before anything is looked up.
    const portal = await connectToServerDatabase(testInfo);
    const { rows } = await portal.query<{ id: string }>(`SELECT id FROM "SandboxRun" ORDER BY "createdAt" LIMIT 1`);
    await portal.end();
    for (const path of ["/operations", "/operations/servers", `/operations/runs/${rows[0]?.id ?? "no-such-run"}`]) {
      expect((await page.goto(path))?.status(), path).toBe(403);
      await expect(page.getByRole("heading", { name: "You do not have access to that page" })).toBeVisible();
    }
  });

  test("the room a copy under way holds on its server shows on the servers page, and on the run's page with the room an attempt was refused and the stop asked", async ({ page }, testInfo) => {
    // A copy running on the built-in server that reserved 800 MB, its first attempt refused 640 MB, and its customer asked to stop it; its fresh heartbeat keeps recovery off it for the test's length.
    const portal = await connectToServerDatabase(testInfo);
    // Of a sandbox of its own, so that no demo sandbox's runs are touched.
    const { rows } = await portal.query<{ id: string; sandbox: string }>(
      `WITH sandbox AS (
         INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById", "sandboxServerId")
         SELECT 'e2eroom' || substr(md5(random()::text), 1, 12), u."tenantId", 'e2e room ' || substr(md5(random()::text), 1, 6), 'REFRESHING', '{}', u.id, 'built-in'
           FROM "User" u WHERE u."tenantId" IS NOT NULL LIMIT 1
         RETURNING id)
       INSERT INTO "SandboxRun" (id, "sandboxId", kind, status, options, attempts, "createdAt", "startedAt", "heartbeatAt", "sandboxServer", "reservedBytes", "roomRefusedBytes", "stopReason")
       SELECT 'e2eroom' || substr(md5(random()::text), 1, 12), sandbox.id, 'REFRESH', 'RUNNING', '{}', 2, now(), now(), now(), 'built-in', 800 * 1024 * 1024, 640 * 1024 * 1024,
              'Stopped by Ingrid Nordlys while it ran. Nothing of it was kept.' FROM sandbox
       RETURNING id, "sandboxId" AS sandbox`,
    );
    const runId = rows[0]!.id;
    try {
      await signIn(page, "operator@sandbox-portal.example");
      await page.goto("/operations/servers");
      await expect(page.getByTestId("sandbox-server").filter({ hasText: "built-in" })).toContainText(/Size: .* \+ 800\.0 MB reserved by copies under way of no limit/);
      await page.goto(`/operations/runs/${runId}`);
      await expect(page.getByText("Room reserved on its sandbox server")).toBeVisible();
      await expect(page.getByText("800.0 MB")).toBeVisible();
      await expect(page.getByText("Room refused an attempt")).toBeVisible();
      await expect(page.getByText("640.0 MB")).toBeVisible();
      // Its customer has asked to stop it; its worker has not yet.
      await expect(page.getByText("Stop asked")).toBeVisible();
      await expect(page.getByText("Stopped by Ingrid Nordlys while it ran. Nothing of it was kept.")).toBeVisible();
      await expectAccessible(page);
      // Stopped: cancelled, as its customer's page says, not failed; its room no longer held.
      await portal.query(`UPDATE "SandboxRun" SET status = 'FAILED', "failureCode" = 'CANCELLED', "finishedAt" = now(), error = "stopReason" WHERE id = $1`, [runId]);
      await page.reload();
      await expect(page.getByText("Status", { exact: true }).locator("xpath=..")).toContainText("cancelled");
      await expect(page.getByText("Room it reserved while it ran")).toBeVisible();
      await expect(page.getByText("None: its customer cancelled it, or stopped it while it ran.")).toBeVisible();
    } finally {
      await portal.query(`DELETE FROM "SandboxRun" WHERE id = $1`, [runId]);
      await portal.query(`DELETE FROM "Sandbox" WHERE id = $1`, [rows[0]!.sandbox]);
      await portal.end();
    }
  });
});

test("operators are offered to retry the last day's failures a retry can mend, after saying what follows", async ({ page }, testInfo) => {
  // A deletion that failed an hour ago on a sandbox server that did not answer, of a sandbox of its own.
  const portal = await connectToServerDatabase(testInfo);
  const { rows } = await portal.query<{ id: string; sandbox: string }>(
    `WITH sandbox AS (
       INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById", "sandboxServerId")
       SELECT 'e2eretry' || substr(md5(random()::text), 1, 12), u."tenantId", 'e2e retry ' || substr(md5(random()::text), 1, 6), 'FAILED', '{}', u.id, 'built-in'
         FROM "User" u WHERE u."tenantId" IS NOT NULL LIMIT 1
       RETURNING id)
     INSERT INTO "SandboxRun" (id, "sandboxId", kind, status, options, "createdAt", "finishedAt", "failureCode", error)
     SELECT 'e2eretry' || substr(md5(random()::text), 1, 12), sandbox.id, 'DELETE', 'FAILED', '{}', now() - interval '61 minutes', now() - interval '1 hour',
            'CONNECTION_LOST', 'The connection to the sandbox server was lost.' FROM sandbox
     RETURNING id, "sandboxId" AS sandbox`,
  );
  try {
    await signIn(page, "operator@sandbox-portal.example");
    await page.goto("/operations");
    await expect(page.getByTestId("retry-summary")).toContainText(/\d+ sandbox(es)?'s? last runs? failed for a passing reason/);
    // It asks first, saying what follows; "Not now" retries nothing. (Pressing it is lib/operations/retry-failures.db.test.ts's:
    // here it would retry the other tests' failures under their feet.)
    await page.getByRole("button", { name: /^Retry (it|these \d+)$/ }).click();
    const question = page.getByRole("group", { name: /^Retry \d+ runs?\?$/ });
    await expect(question).toContainText("Each is queued again with the choices it failed with");
    await expect(question.getByRole("button", { name: /^Yes, retry \d+ runs?$/ })).toBeVisible();
    await expectAccessible(page, "operations, retry asked");
    await question.getByRole("button", { name: "Not now" }).click();
    await expect(question).toHaveCount(0);
    const { rows: runs } = await portal.query(`SELECT status FROM "SandboxRun" WHERE "sandboxId" = $1`, [rows[0]!.sandbox]);
    expect(runs).toEqual([{ status: "FAILED" }]);
  } finally {
    await portal.query(`DELETE FROM "SandboxRun" WHERE "sandboxId" = $1`, [rows[0]!.sandbox]);
    await portal.query(`DELETE FROM "Sandbox" WHERE id = $1`, [rows[0]!.sandbox]);
    await portal.end();
  }
});
