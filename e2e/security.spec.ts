/**
 * Web security as an attacker would try it, against the production build:
 * redirects after sign-in, headers on every kind of route, throttling behind
 * forged X-Forwarded-For, sign-out that really ends the token, status codes.
 */
import { expect, test, type APIRequestContext, type BrowserContext, type Page, type TestInfo } from "@playwright/test";
import { timeStepOf, totpCode } from "../lib/auth/totp";
import { accountOfItsOwn, connectToServerDatabase, DEMO_PASSWORD, expectAccessible, signIn } from "./fixtures";

/** Signs in through next-auth's own endpoint, as the form's script does; returns the response. */
async function postSignIn(request: APIRequestContext, email: string, password: string, headers: Record<string, string> = {}) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  return request.post("/api/auth/callback/credentials", {
    form: { email, password, csrfToken, callbackUrl: "/", json: "true" },
    headers,
    maxRedirects: 0,
  });
}

/** The key the account page shows for the authenticator app, as the app would take it. */
async function shownKey(page: Page): Promise<string> {
  return (await page.getByTestId("two-factor-key").textContent())!.replace(/\s/g, "");
}

/** The recovery codes the account page shows, once (waiting for them to appear). */
async function shownRecoveryCodes(page: Page): Promise<string[]> {
  const codes = page.getByTestId("recovery-codes-value").locator("li");
  await expect(codes).toHaveCount(10);
  return (await codes.allTextContents()).map((c) => c.trim());
}

/**
 * The code of `secret` for the time step after the one `spentAt` (unix seconds) fell in. A
 * code signs in once and the server keeps the last step taken, so a second code within one
 * 30-second step waits for the next.
 */
async function codeAfter(secret: string, spentAt: number): Promise<string> {
  const next = (timeStepOf(spentAt) + 1) * 30;
  const wait = next - Date.now() / 1000;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 250));
  return totpCode(secret, next + 1);
}

/** Signs in through the real form: the password, then the code it asks for. */
async function signInWithCode(page: Page, email: string, code: string): Promise<void> {
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Authentication code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A sandbox row of that customer, made directly in the database (the demo data has none). */
async function insertSandbox(testInfo: TestInfo, customerId: string): Promise<string> {
  const db = await connectToServerDatabase(testInfo);
  const id = `sec-${customerId}-${Date.now()}`;
  await db.query(
    `INSERT INTO "Sandbox" (id, "tenantId", name, status, "planCounts", "orderedById")
     SELECT $1, t.id, $1, 'AWAITING_SETUP', '{"complete": 1}', u.id FROM "Tenant" t JOIN "User" u ON u."tenantId" = t.id
     WHERE t."customerId" = $2 LIMIT 1`,
    [id, customerId],
  );
  await db.end();
  return id;
}

async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
  expect(cookie, "a session cookie").toBeTruthy();
  return `${cookie!.name}=${cookie!.value}`;
}

test.describe("redirects after sign-in", () => {
  // Written into the address as they are: "%09" is a tab once the query is decoded.
  for (const target of ["/%09/evil.example", "/\\evil.example/x", "/%5Cevil.example", "//evil.example", "/.//evil.example", "https://evil.example/", "javascript:alert(1)"]) {
    test(`callbackUrl=${target} stays on the portal`, async ({ page, baseURL }) => {
      await page.goto(`/sign-in?callbackUrl=${target}`);
      await page.getByLabel("E-mail").fill("user@nordlys.example");
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    });
  }

  test("a link opened while signed out ends where it pointed, after sign-in", async ({ page }) => {
    await page.goto("/sandboxes?status=ready#list");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
    await page.getByLabel("E-mail").fill("admin@nordlys.example");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("who-am-i")).toBeVisible();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/sandboxes?status=ready");
  });

  test("a sandbox link from an e-mail survives sign-in", async ({ page }, testInfo) => {
    const id = await insertSandbox(testInfo, "Cust10001");
    await page.goto(`/sandboxes/${id}`);
    await page.getByLabel("E-mail").fill("user@nordlys.example");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(new RegExp(`/sandboxes/${id}$`));
    await expect(page.getByTestId("who-am-i")).toBeVisible();
  });

  test("the auth route's own redirect keeps only a same-origin path, on the origin asked", async ({ request }) => {
    const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await request.post("/api/auth/signout", { form: { csrfToken, callbackUrl: "/\\evil.example/x", json: "true" } });
    const { url } = (await response.json()) as { url: string };
    expect(new URL(url).host).not.toContain("evil.example");
    expect(new URL(url).pathname).toBe("/");
  });
});

test.describe("the sign-in form", () => {
  test.use({ javaScriptEnabled: false });

  test("before its script runs it cannot send the password in a URL", async ({ page }) => {
    await page.goto("/sign-in");
    const form = page.getByRole("form", { name: "Sign in" });
    await expect(form).toHaveAttribute("method", "post");
    await page.getByLabel("E-mail").fill("admin@nordlys.example");
    await page.getByLabel("Password").fill("secret-in-the-url");
    // Every request is watched: whatever Enter sends (nothing, as the button waits for the script), no address carries the password.
    const addresses: string[] = [];
    page.on("request", (request) => addresses.push(request.url()));
    await page.getByLabel("Password").press("Enter");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeDisabled();
    await page.waitForLoadState("networkidle");
    expect(addresses.filter((url) => url.includes("secret-in-the-url") || url.includes("password"))).toEqual([]);
    expect(page.url()).not.toContain("secret-in-the-url");
    expect(page.url()).not.toContain("password");
  });
});

test.describe("security headers", () => {
  for (const [kind, path, status] of [
    ["page", "/sign-in", 200],
    ["route handler", "/api/sandboxes/none/progress", 401],
    ["auth route", "/api/auth/csrf", 200],
    ["404", "/no-such-page", 404],
  ] as const) {
    test(`on a ${kind}`, async ({ request }) => {
      const response = await request.get(path, { maxRedirects: 0 });
      expect(response.status()).toBe(status);
      const h = response.headers();
      const csp = h["content-security-policy"] ?? "";
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(h["x-frame-options"]).toBe("DENY");
      expect(h["x-content-type-options"]).toBe("nosniff");
      expect(h["cross-origin-opener-policy"]).toBe("same-origin");
      expect(h["permissions-policy"]).toContain("camera=()");
      // Plain HTTP here: no HSTS (it is sent when the request came over HTTPS).
      expect(h["strict-transport-security"]).toBeUndefined();
    });
  }

  test("a fresh nonce per request, on the page's own scripts, with no CSP violation", async ({ page, request }) => {
    const nonceOf = async () => /'nonce-([^']+)'/.exec((await request.get("/sign-in")).headers()["content-security-policy"] ?? "")?.[1];
    expect(await nonceOf()).not.toBe(await nonceOf());
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, "admin@nordlys.example");
    await page.goto("/sandboxes");
    await expect(page.getByTestId("who-am-i")).toBeVisible();
    expect(violations).toEqual([]);
  });

  test("HSTS when a trusted proxy says the request came over HTTPS, not when a client says so", async ({ request }) => {
    // No TRUSTED_PROXIES on the test server: a client's X-Forwarded-Proto is dropped.
    const forged = await request.get("/sign-in", { headers: { "x-forwarded-proto": "https" } });
    expect(forged.headers()["strict-transport-security"]).toBeUndefined();
  });
});

test.describe("throttling behind forged X-Forwarded-For", () => {
  test.afterEach(async ({}, testInfo) => {
    // Every request here comes from 127.0.0.1: lift the locks so the other tests can sign in.
    const db = await connectToServerDatabase(testInfo);
    await db.query(`DELETE FROM "LoginThrottle"`);
    await db.end();
  });

  test("rotating X-Forwarded-For does not dodge the address limit", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    // 5 failures per account and address (the default), 4 × 5 per address across accounts.
    for (let i = 0; i < 20; i++) {
      await postSignIn(request, `nobody${i}@example.com`, "guess", { "x-forwarded-for": `198.51.100.${i}` });
    }
    const next = await postSignIn(request, "admin@fjordline.example", DEMO_PASSWORD, { "x-forwarded-for": "203.0.113.250" });
    expect(((await next.json()) as { url: string }).url).toContain("error=Throttled");
    await request.dispose();
  });

  test("failures on an account from one address do not lock its owner elsewhere", async ({ playwright, baseURL }, testInfo) => {
    const request = await playwright.request.newContext({ baseURL });
    for (let i = 0; i < 6; i++) {
      await postSignIn(request, "operator@sandbox-portal.example", `wrong-${i}`, { "x-forwarded-for": "192.0.2.10" });
    }
    const db = await connectToServerDatabase(testInfo);
    const { rows } = await db.query<{ key: string }>(`SELECT key FROM "LoginThrottle" WHERE "lockedUntil" > now()`);
    await db.end();
    // One lock, on this account from the address the requests really came from: the forged address is
    // nowhere (a forged one would let anyone lock an owner out from the owner's own address).
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).toContain("operator@sandbox-portal.example");
    expect(rows[0]!.key).toContain("127.0.0.1");
    expect(rows.some((r) => r.key.includes("192.0.2.10"))).toBe(false);
    await request.dispose();
  });
});

test.describe("signing out", () => {
  test("ends the token: the old cookie no longer opens pages or the API", async ({ page, playwright, baseURL }) => {
    await signIn(page, "admin@nordlys.example");
    const cookie = await sessionCookie(page.context());
    const replay = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie } });
    expect((await replay.get("/api/sandboxes/none/progress")).status()).toBe(404);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    expect((await replay.get("/api/sandboxes/none/progress")).status()).toBe(401);
    const pageResponse = await replay.get("/sandboxes", { maxRedirects: 0 });
    expect(pageResponse.status()).toBe(307);
    expect(pageResponse.headers()["location"]).toContain("/sign-in");
    await replay.dispose();
  });

  test("sign out everywhere ends the other browsers' sessions too", async ({ browser, page }) => {
    await signIn(page, "admin@fjordline.example");
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, "admin@fjordline.example");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await otherPage.goto("/sandboxes");
    await expect(otherPage).toHaveURL(/\/sign-in/);
    await other.close();
  });

  test("a person changes their own password on their account page: signed out everywhere, then in with the new one only", async ({ browser, page }, testInfo) => {
    const email = await accountOfItsOwn(testInfo, "pat", "Pat Changer");
    const newPassword = "four words make a passphrase";
    await signIn(page, email);
    const other = await browser.newContext();
    await signIn(await other.newPage(), email);

    await page.getByRole("link", { name: "Pat Changer: your account" }).click();
    await expect(page.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();
    await expectAccessible(page);
    const form = page.getByRole("form", { name: "Change your password" });
    await form.getByLabel("Current password").fill("not-the-password");
    await form.getByLabel("New password", { exact: true }).fill(newPassword);
    await form.getByLabel("New password again").fill(newPassword);
    await form.getByRole("button", { name: "Change password" }).click();
    // Told under the field, where the keyboard is put back.
    await expect(form.getByLabel("Current password")).toHaveAccessibleDescription("That is not your current password.");
    await expect(form.getByLabel("Current password")).toBeFocused();

    await form.getByLabel("Current password").fill(DEMO_PASSWORD);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/sign-in\?changed=password/);
    await expect(page.getByTestId("sign-in-notice")).toHaveText(/Sign in with your new password\.$/);
    // The other browser's session ended too.
    const otherPage = other.pages()[0]!;
    await otherPage.goto("/sandboxes");
    await expect(otherPage).toHaveURL(/\/sign-in/);
    await other.close();

    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("sign-in-error")).toContainText("The e-mail or password is incorrect.");
    await signIn(page, email, newPassword);
    await expect(page.getByTestId("who-am-i")).toContainText("Pat Changer");
  });

  test("a customer turns on their own two-factor sign-in: a key for the app, a code and the password, then recovery codes once", async ({ browser, page }, testInfo) => {
    const email = await accountOfItsOwn(testInfo, "kim", "Kim Careful");
    await signIn(page, email);
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, email);
    await page.goto("/account");
    await expect(page.getByTestId("two-factor")).toHaveText("off");
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    await expect(page.getByRole("heading", { name: "1. Add this key to your authenticator app" })).toBeFocused();
    await expectAccessible(page);
    await expect(page.getByTestId("two-factor-qr")).toBeVisible();
    // What an authenticator app would do with the key shown.
    const key = (await page.getByTestId("two-factor-key").textContent())!.replace(/\s/g, "");
    const code = await totpCode(key);
    const setup = page.getByRole("form", { name: "Turn on two-factor sign-in" });
    await setup.getByLabel("Code from the app").fill(code);
    await setup.getByLabel("Current password").fill(DEMO_PASSWORD);
    await setup.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
    await expect(page.getByRole("heading", { name: "Two-factor sign-in is on: your recovery codes" })).toBeFocused();
    const codes = (await page.getByTestId("recovery-codes-value").locator("li").allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    await expect(page.getByTestId("two-factor")).toHaveText("on");
    // The password form gives way: this session has ended too.
    await expect(page.getByRole("form", { name: "Change your password" })).toHaveCount(0);

    // Every session ended, the other browser's too.
    await otherPage.goto("/sandboxes");
    await expect(otherPage).toHaveURL(/\/sign-in/);
    await other.close();
    // Signing in now takes the password and then a code: not the one just typed (spent), a recovery code.
    await page.getByRole("button", { name: "Sign in again" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Authentication code").fill(code);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("sign-in-error")).toContainText("That code is not valid, or was already used.");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByLabel("Authentication code").fill(codes[0]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("who-am-i")).toContainText("Kim Careful");
    await page.goto("/account");
    await expect(page.getByTestId("two-factor")).toHaveText("on");
    await expect(page.getByRole("button", { name: "Set up two-factor sign-in" })).toHaveCount(0);
  });

  test("with a lost phone, a customer moves two-factor sign-in to a new one with a recovery code, then turns it off", async ({ page }, testInfo) => {
    // It waits up to one 30-second step for a code of the new key that was not used yet.
    test.slow();
    const email = await accountOfItsOwn(testInfo, "lee", "Lee Mover");
    await signIn(page, email);
    await page.goto("/account");
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    const oldKey = await shownKey(page);
    const setup = page.getByRole("form", { name: "Turn on two-factor sign-in" });
    await setup.getByLabel("Code from the app").fill(await totpCode(oldKey));
    await setup.getByLabel("Current password").fill(DEMO_PASSWORD);
    await setup.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
    const codes = await shownRecoveryCodes(page);
    await page.getByRole("button", { name: "Sign in again" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await signInWithCode(page, email, codes[0]!);
    await expect(page.getByTestId("who-am-i")).toContainText("Lee Mover");

    // The old phone is gone: a recovery code stands in for its code.
    await page.goto("/account");
    await expect(page.getByTestId("two-factor")).toHaveText("on");
    await page.getByRole("button", { name: "New phone" }).click();
    await expect(page.getByRole("heading", { name: "Move two-factor sign-in to a new phone" })).toBeFocused();
    await page.getByRole("button", { name: "Show a key for the new phone" }).click();
    await expect(page.getByRole("heading", { name: "1. Add this key to the app on your new phone" })).toBeFocused();
    await expect(page.getByTestId("two-factor-qr")).toBeVisible();
    await expectAccessible(page);
    const newKey = await shownKey(page);
    expect(newKey).not.toBe(oldKey);
    const movedAt = Date.now() / 1000;
    const move = page.getByRole("form", { name: "Move two-factor sign-in to a new phone" });
    await move.getByLabel("Code from the new app").fill(await totpCode(newKey, Math.floor(movedAt)));
    await move.getByLabel("Code from your current app, or a recovery code").fill(codes[1]!);
    await move.getByLabel("Current password").fill(DEMO_PASSWORD);
    await move.getByRole("button", { name: "Move to the new phone" }).click();
    await expect(page.getByRole("heading", { name: "Two-factor sign-in is on your new phone: your new recovery codes" })).toBeFocused();
    const newCodes = await shownRecoveryCodes(page);
    // Every session ended, this one too: the password form gives way.
    await expect(page.getByRole("form", { name: "Change your password" })).toHaveCount(0);

    // The old recovery codes open nothing any more; the new phone's next code does.
    await page.getByRole("button", { name: "Sign in again" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await signInWithCode(page, email, codes[2]!);
    await expect(page.getByTestId("sign-in-error")).toContainText("That code is not valid, or was already used.");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByLabel("Authentication code").fill(await codeAfter(newKey, movedAt));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("who-am-i")).toContainText("Lee Mover");

    await page.goto("/account");
    await page.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
    await expect(page.getByRole("heading", { name: "Turn off two-factor sign-in" })).toBeFocused();
    await expectAccessible(page);
    const turnOff = page.getByRole("form", { name: "Turn off two-factor sign-in" });
    await turnOff.getByLabel("Code from your app, or a recovery code").fill(newCodes[0]!);
    await turnOff.getByLabel("Current password").fill(DEMO_PASSWORD);
    await turnOff.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
    await expect(page.getByTestId("two-factor")).toHaveText("off");
    await expect(page.getByTestId("page-announcement")).toHaveText("Two-factor sign-in is off.");
    await expect(page.getByRole("heading", { name: "Two-factor sign-in: off" })).toBeFocused();
    await expect(page.getByRole("button", { name: "Set up two-factor sign-in" })).toBeVisible();

    // The password alone signs in again.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await signIn(page, email);
    await expect(page.getByTestId("who-am-i")).toContainText("Lee Mover");
  });
});

test.describe("status codes", () => {
  test("a page the role may not open answers 403; another tenant's sandbox 404", async ({ page }, testInfo) => {
    await signIn(page, "user@nordlys.example");
    expect((await page.goto("/sandboxes/new"))?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You do not have access to that page" })).toBeVisible();
    expect((await page.goto("/forbidden"))?.status()).toBe(403);
    const othersSandbox = await insertSandbox(testInfo, "Cust10002");
    expect((await page.goto(`/sandboxes/${othersSandbox}`))?.status()).toBe(404);
  });
});
