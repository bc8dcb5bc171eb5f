/**
 * A customer admin makes an API token in the browser, uses it from outside the
 * browser (no cookie) to read their sandboxes, and revokes it: the next request
 * is refused. With axe at 1280 and 390 px.
 */
import { expect, test, type BrowserContext } from "@playwright/test";
import { decode, encode } from "next-auth/jwt";
import pg from "pg";
import { connectToServerDatabase, DEMO_PASSWORD, expectAccessible, signIn } from "./fixtures";
import { readE2eServerInfo } from "../lib/testing/e2e-server-info";

const CANCELLED = `Cancelled for the API ${Date.now().toString(36)}`;

// A cancelled order of Nordlys to read: it counts against no agreement, and lists only with deleted=shown, as on the page.
test.beforeAll(async ({}, testInfo) => {
  const db = await connectToServerDatabase(testInfo);
  await db.query(
    `INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById", "deletedAt")
     SELECT 'e2e-api-' || md5($1), t.id, $1, 'CANCELLED', '{}', u.id, now() FROM "Tenant" t, "User" u WHERE t."customerId" = 'Cust10001' AND u.email = 'admin@nordlys.example'`,
    [CANCELLED],
  );
  await db.end();
});

test.afterAll(async ({}, testInfo) => {
  const db = await connectToServerDatabase(testInfo);
  await db.query(`DELETE FROM "Sandbox" WHERE name = $1`, [CANCELLED]);
  await db.end();
});

test("a customer admin creates a token, a pipeline uses it, and revoking it ends it", async ({ page, playwright, baseURL }) => {
  const name = `release pipeline ${Date.now().toString(36)}`;
  await signIn(page, "admin@nordlys.example");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
  await expectAccessible(page);

  const form = page.getByRole("form", { name: "Create an API token" });
  const readScope = form.getByLabel(/\(sandboxes:read\)/);
  await readScope.uncheck();
  await form.getByRole("button", { name: "Create the token" }).click();
  await expect(form.getByText("Give the token a name")).toBeVisible();
  // The scopes' error belongs to their group, for a screen reader too.
  await expect(form.getByRole("group", { name: "What it may do" })).toHaveAccessibleDescription("Choose at least one scope.");
  await readScope.check();
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Expires after").selectOption("30");
  await form.getByRole("button", { name: "Create the token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toContainText(`“${name}” is ready`);
  // Shown only this once: it takes the keyboard's place, so a screen reader says it.
  await expect(shown.getByRole("heading", { name: `“${name}” is ready` })).toBeFocused();
  const token = (await page.getByTestId("new-token-value").textContent())!.trim();
  expect(token).toMatch(/^sbp_/);
  const row = page.getByTestId("token-row").filter({ hasText: name });
  await expect(row).toContainText("Never");
  await expect(row).not.toContainText(token);
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 800 });

  // A pipeline: no browser, no cookie, only the token.
  const pipeline = await playwright.request.newContext({ baseURL });
  const answer = await pipeline.get("/api/v1/sandboxes?deleted=shown", { headers: { Authorization: `Bearer ${token}` } });
  expect(answer.status()).toBe(200);
  const body = await answer.json();
  expect(body.data.map((s: { name: string }) => s.name)).toContain(CANCELLED);
  for (const sandbox of body.data) expect(sandbox.customer.id).toBe("Cust10001");
  const one = await pipeline.get(body.data[0].links.self, { headers: { Authorization: `Bearer ${token}` } });
  expect((await one.json()).id).toBe(body.data[0].id);

  await page.reload();
  await expect(row).not.toContainText("Never");
  page.once("dialog", (dialog) => void dialog.accept());
  // Its name says whose it is, after the label that is seen.
  const revoke = row.getByRole("button", { name: /^Revoke/ });
  await expect(revoke).toHaveAccessibleName(new RegExp(`^Revoke\\s*: ${name}$`));
  await revoke.click();
  await expect(row).toContainText("Revoked");
  // Said, and the keyboard's place is not lost with the button.
  await expect(page.getByTestId("page-announcement")).toHaveText(`“${name}” revoked: pipelines using it stop working at once.`);
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeFocused();
  const refused = await pipeline.get("/api/v1/sandboxes", { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
  await pipeline.dispose();
});

/**
 * What `minutes` do to the browser's session: the same session, its sign-in now that
 * old. The account's password must be older still (the demo data set it when the
 * server started), or the session would have ended with the password's change.
 */
async function ageSignIn(context: BrowserContext, baseURL: string, email: string, minutes: number): Promise<void> {
  const db = new pg.Client({ connectionString: readE2eServerInfo(baseURL).databaseUrl });
  await db.connect();
  await db.query(`UPDATE "User" SET "passwordChangedAt" = LEAST("passwordChangedAt", now() - make_interval(mins => $2::int * 2)) WHERE email = $1`, [email, minutes]);
  await db.end();
  const secret = readE2eServerInfo(baseURL).sessionSecret;
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"))!;
  const token = (await decode({ token: cookie.value, secret }))!;
  const aged = await encode({ token: { ...token, authAt: Math.floor(Date.now() / 1000) - minutes * 60 }, secret });
  await context.addCookies([{ ...cookie, value: aged }]);
}

test("a token form filled in while the sign-in grew old keeps its input across signing in again", async ({ page, context, baseURL }) => {
  const name = `nightly refresh ${Date.now().toString(36)}`;
  await signIn(page, "admin@nordlys.example");
  await page.goto("/api-tokens");
  const form = page.getByRole("form", { name: "Create an API token" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Expires after").selectOption("180");
  await form.getByLabel(/\(sandboxes:write\)/).check();

  await ageSignIn(context, baseURL!, "admin@nordlys.example", 20);
  await form.getByRole("button", { name: "Create the token" }).click();
  const again = page.getByTestId("sign-in-again");
  await expect(again).toContainText("within 15 minutes of signing in");
  await again.getByRole("button", { name: "Sign in again" }).click();

  await page.getByLabel("E-mail").fill("admin@nordlys.example");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/api-tokens$/);
  await expect(page.getByTestId("new-token-status")).toContainText("What you filled in was kept");
  await expect(form.getByLabel("Name")).toHaveValue(name);
  await expect(form.getByLabel("Expires after")).toHaveValue("180");
  await expect(form.getByLabel(/\(sandboxes:read\)/)).toBeChecked();
  await expect(form.getByLabel(/\(sandboxes:write\)/)).toBeChecked();
  await expect(form.getByLabel(/\(reports:read\)/)).not.toBeChecked();

  await form.getByRole("button", { name: "Create the token" }).click();
  await expect(page.getByTestId("new-token")).toContainText(`“${name}” is ready`);
  await expect(page.getByTestId("token-row").filter({ hasText: name })).toContainText("sandboxes:read, sandboxes:write");
  // Taken back once: the next visit starts empty.
  await page.reload();
  await expect(form.getByLabel("Name")).toHaveValue("");
  await expect(page.getByTestId("new-token-status")).toBeEmpty();
});

test("a customer user has no API tokens page", async ({ page }) => {
  await signIn(page, "user@nordlys.example");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" })).toHaveCount(0);
  const answer = await page.goto("/api-tokens");
  expect(answer?.status()).toBe(403);
});

test("the API reference and its OpenAPI document are public, the reference is accessible, and other paths and methods are refused as problems", async ({ page, request }) => {
  const doc = await request.get("/api/v1/openapi.json");
  expect(doc.status()).toBe(200);
  const body = await doc.json();
  expect(body.openapi).toBe("3.1.0");
  expect(Object.keys(body.paths)).toContain("/sandboxes/{id}/refresh");
  // A misspelt path or method gets a problem a pipeline can read: never the portal's HTML page, nor a bare 405.
  for (const misspelt of ["/api/v1/sandbox", "/api/v1/sandboxes/cm0000000000000000000000/refreshes"]) {
    const missing = await request.post(misspelt);
    expect(missing.status(), misspelt).toBe(404);
    expect(missing.headers()["content-type"]).toBe("application/problem+json");
    expect((await missing.json()).detail).toContain("/api/v1/openapi.json");
  }
  const wrongMethod = await request.patch("/api/v1/sandboxes/cm0000000000000000000000");
  expect(wrongMethod.status()).toBe(405);
  expect(wrongMethod.headers()["allow"]).toBe("GET, DELETE, HEAD, OPTIONS");
  expect((await wrongMethod.json()).code).toBe("method_not_allowed");
  await page.goto("/api-reference");
  await expect(page.getByRole("heading", { name: "Sandbox Portal API", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: /post\s*\/api\/v1\/sandboxes\/\{id\}\/refresh/i })).toBeVisible();
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
});
