import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectAccessible, signIn } from "./fixtures";

/** The field's error is shown and linked to it for assistive technology. */
async function expectFieldError(page: Page, label: string | RegExp | Locator, message: string | RegExp) {
  const field = typeof label === "string" || label instanceof RegExp ? page.getByLabel(label) : label;
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(message);
}

test.describe("order validation and permissions", () => {
  test("a customer user cannot order", async ({ page }) => {
    await signIn(page, "user@nordlys.example");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Sandboxes" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Order a sandbox" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Orders" })).toHaveCount(0);
    // Refused where it was asked for, with a 403 (forbidden()), not a redirect.
    for (const path of ["/sandboxes/new", "/orders"]) {
      expect((await page.goto(path))?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "You do not have access to that page" })).toBeVisible();
    }
  });

  test("errors are shown at their fields, in the browser and from the server", async ({ page }) => {
    await signIn(page, "admin@bergenbakeri.example");
    await page.goto("/sandboxes/new");
    await page.getByRole("button", { name: "Order and continue to setup" }).click();
    await expectFieldError(page, "Sandbox name", /Use at least 3 characters/);
    await expect(page.getByText("Order at least one user plan in all.")).toBeVisible();
    await expectFieldError(page, /dead end/, /nothing is ever copied back/);
    await expectFieldError(page, /not a backup/, /not a backup/);
    await expectAccessible(page, "order form with errors");

    // Only the plans' total is wrong: its group has no field of its own, so the first plan's field takes the keyboard's place.
    await page.getByLabel("Sandbox name").fill("Plans only");
    await page.getByLabel(/dead end/).check();
    await page.getByLabel(/not a backup/).check();
    await page.getByRole("button", { name: "Order and continue to setup" }).click();
    await expect(page.getByRole("spinbutton", { name: "Sales Essentials" })).toBeFocused();
    // The total's error goes as soon as the total is right, and comes back when it is wrong again.
    await page.getByLabel("Sales Essentials").fill("1");
    await expect(page.getByText("Order at least one user plan in all.")).toHaveCount(0);
    await page.getByLabel("Sales Essentials").fill("0");
    await expect(page.getByText("Order at least one user plan in all.")).toBeVisible();

    await page.getByLabel("Sandbox name").fill("bad/name!");
    await page.getByLabel("Marketing").fill("101");
    await page.getByRole("button", { name: "Order and continue to setup" }).click();
    await expectFieldError(page, "Sandbox name", /Use only letters, digits/);
    await expectFieldError(page, "Marketing", /At most 100 per plan type/);

    // A name that is taken is only known to the server: its answer lands at the name field.
    const name = `Taken ${Date.now().toString(36)}`;
    await page.getByLabel("Sandbox name").fill(name);
    await page.getByLabel("Marketing").fill("1");
    await page.getByLabel(/dead end/).check();
    await page.getByLabel(/not a backup/).check();
    await page.getByRole("button", { name: "Order and continue to setup" }).click();
    await expect(page).toHaveURL(/\/setup$/);
    const setupUrl = page.url();

    await page.goto("/sandboxes/new");
    await page.getByLabel("Sandbox name").fill(name.toUpperCase());
    await page.getByLabel("Marketing").fill("1");
    await page.getByLabel(/dead end/).check();
    await page.getByLabel(/not a backup/).check();
    await page.getByRole("button", { name: "Order and continue to setup" }).click();
    await expectFieldError(page, "Sandbox name", /already exists/);
    await expect(page.getByTestId("form-error")).toHaveText("Some fields need your attention.");

    // In the wizard: more people than plans, a bad domain, a missing date.
    await page.goto(setupUrl);
    // The access step never gives more plans than ordered: with every plan in use, nobody more is added.
    const someone = page.getByRole("checkbox", { name: /^Give .* access$/, checked: false }).first();
    const label = (await someone.getAttribute("aria-label"))!;
    await someone.click();
    await expect(page.getByTestId("plans-full")).toContainText("Every ordered plan is in use");
    await expect(page.getByRole("checkbox", { name: label, exact: true })).not.toBeChecked();
    await expectAccessible(page, "wizard access with every plan in use");
    await page.getByRole("button", { name: "Next" }).click();

    await page.getByLabel("E-mail invalidation domain").fill("not a domain");
    await page.getByRole("button", { name: "Next" }).click();
    await expectFieldError(page, "E-mail invalidation domain", /Enter a host name/);
    await expectAccessible(page, "wizard e-mail with errors");
    await page.getByLabel("E-mail invalidation domain").fill("mailinator.com");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Next" }).click();

    await page.getByLabel("Documents created on or after a date").check();
    await page.getByRole("button", { name: "Next" }).click();
    await expectFieldError(page, page.getByLabel("Created on or after", { exact: true }), /Choose a date\./);
    await expectAccessible(page, "wizard data with errors");
  });
});
