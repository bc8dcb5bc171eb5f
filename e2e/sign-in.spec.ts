import { expect, test } from "@playwright/test";
import { DEMO_USERS } from "../scripts/demo-accounts";
import { DEMO_PASSWORD, signIn } from "./fixtures";

const ROLE_LABEL = { CUSTOMER_ADMIN: "Customer admin", CUSTOMER_USER: "Customer user", SALES_REP: "Sales rep", OPERATOR: "Operator" };

test.describe("signing in", () => {
  for (const role of ["CUSTOMER_ADMIN", "CUSTOMER_USER", "SALES_REP", "OPERATOR"] as const) {
    test(`${ROLE_LABEL[role]} sees their shell`, async ({ page }) => {
      const user = DEMO_USERS.find((u) => u.role === role)!;
      await signIn(page, user.email);
      const who = page.getByTestId("who-am-i");
      await expect(who).toContainText(user.name);
      await expect(who).toContainText(ROLE_LABEL[role]);
      if (user.customerId) await expect(who).toContainText(user.customerId);
      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(nav.getByRole("link", { name: role === "SALES_REP" || role === "OPERATOR" ? "All sandboxes" : "Sandboxes" })).toBeVisible();
      await page.getByRole("button", { name: "Sign out", exact: true }).click();
      await expect(page).toHaveURL(/\/sign-in/);
    });
  }

  test("the portal's icon is in the tab before anyone signs in", async ({ page }) => {
    await page.goto("/sign-in");
    const href = await page.locator('head link[rel="icon"]').first().getAttribute("href");
    expect(href).toMatch(/^\/icon\.svg/);
    const icon = await page.request.get(href!);
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  });

  test("a browser that signed in is known to the account from then on, by a cookie only the sign-in routes get and no script reads", async ({ page }) => {
    await signIn(page, "admin@nordlys.example");
    const device = (await page.context().cookies()).find((c) => c.name === "portal-device");
    expect(device).toMatchObject({ path: "/api/auth", httpOnly: true, sameSite: "Lax" });
    expect(device!.value).toMatch(/^[0-9a-z]+\.[\w-]{22}\.[\w-]{43}$/);
    // The session came with it: the portal's pages are open.
    await expect(page.getByTestId("who-am-i")).toContainText("Ingrid Nordlys");
  });

  test("a wrong password gets the generic message", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("E-mail").fill("admin@nordlys.example");
    await page.getByLabel("Password").fill("definitely-wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("sign-in-error")).toHaveText("The e-mail or password is incorrect.");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("staff are asked for an authentication code after the password, and a wrong one is refused", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("E-mail").fill("operator@sandbox-portal.example");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("sign-in-error")).toContainText("Enter the 6-digit code");
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("sign-in-error")).toContainText("That code is not valid");
    await expect(page.getByTestId("who-am-i")).toHaveCount(0);
  });

  test("pages need a session", async ({ page }) => {
    await page.goto("/sandboxes");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});

test("staff see the demo customers with their production databases", async ({ page }) => {
  await signIn(page, "operator@sandbox-portal.example");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" }).click();
  const table = page.getByRole("table", { name: "Customers" });
  for (const customerId of ["Cust10001", "Cust10002", "Cust10003"]) {
    const row = table.getByRole("row").filter({ hasText: customerId });
    await expect(row).toBeVisible();
    await expect(row).toContainText(/\d+(\.\d)? MB/);
  }
});
