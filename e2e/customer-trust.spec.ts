import { expect, test } from "@playwright/test";
import { expectAccessible, orderSandbox, signIn } from "./fixtures";

const unique = () => Date.now().toString(36);

test("a sales rep changes and cancels an order; the customer finds it behind Show deleted and reuses its name", async ({ page }) => {
  test.setTimeout(120_000);
  const name = `Pilot ${unique()}`;
  await signIn(page, "sales@sandbox-portal.example");
  await page.goto("/sandboxes/new");
  await page.getByLabel("Search by company name or customer id").fill("bergen");
  await page.getByLabel(/Bergen Bakeri/).check();
  await page.getByLabel("Sandbox name").fill(name);
  await page.getByLabel("Complete").fill("1");
  await page.getByLabel(/dead end/).check();
  await page.getByLabel(/not a backup/).check();
  await page.getByRole("button", { name: "File the order" }).click();
  await expect(page.getByTestId("order-filed")).toBeVisible();

  await page.getByRole("link", { name: `Change or cancel the order for ${name}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Order for “${name}”` })).toBeVisible();
  await expectAccessible(page, "order page");
  await page.getByLabel("Note").fill("Only for the pilot bakery.");
  await page.getByRole("button", { name: "Save the changes" }).click();
  await expect(page.getByTestId("edit-order-status")).toContainText("Your changes are saved.");
  await expect(page.getByTestId("order-note")).toContainText("Only for the pilot bakery.");

  await page.getByRole("button", { name: "Cancel the order" }).click();
  await expect(page.getByTestId("cancel-order-error")).toContainText("Tick the box");
  await page.getByLabel("Reason (optional)").fill("The customer asked for a later date.");
  await page.getByLabel(/^Cancel the order for/).check();
  await page.getByRole("button", { name: "Cancel the order" }).click();
  await expect(page.getByTestId("order-cancelled")).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Cancelled");
  await expectAccessible(page, "orders after a cancellation");

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, "admin@bergenbakeri.example");
  await page.goto("/sandboxes");
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
  await page.getByRole("link", { name: /^Show deleted \(\d+\)$/ }).click();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Cancelled");
  await expectAccessible(page, "sandboxes with deleted ones shown");
  // Its page says it was cancelled, and offers no deletion of a database that never was.
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByTestId("sandbox-order-cancelled")).toContainText("This order was cancelled before its setup was confirmed");
  await expect(page.getByRole("heading", { name: "Delete this sandbox" })).toHaveCount(0);
  await page.goBack();
  await page.getByRole("link", { name: "Hide deleted" }).click();
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);

  // The cancelled order's name is free again.
  await orderSandbox(page, name, 1);
});

test("the wizard refuses a mail domain of real people unless confirmed, and asks why when nobody gets access", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "admin@nordlys.example");
  await orderSandbox(page, `Refusals ${unique()}`, 1);
  const heading = page.getByRole("heading", { level: 2, name: /^Step \d of 6/ });

  await page.getByRole("button", { name: "Remove everyone" }).click();
  await expect(page.getByLabel("Nobody gets access: say why")).toBeVisible();
  await expectAccessible(page, "wizard access, nobody chosen");
  await page.getByRole("button", { name: "Reset to the default" }).click();
  await page.getByRole("button", { name: "Next" }).click();

  await expect(heading).toContainText("Step 2 of 6: E-mail");
  await page.getByLabel("E-mail invalidation domain").fill("gmail.com");
  await expect(page.getByTestId("domain-warning")).toContainText("public mail provider");
  await expectAccessible(page, "wizard e-mail, risky domain");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("wizard-error")).toContainText("Step 2, E-mail: ");
  await expect(page.getByTestId("wizard-error")).toContainText("public mail provider");
  await expect(heading).toContainText("Step 2 of 6: E-mail");

  await page.getByLabel("Mail to gmail.com reaches no one real: use it anyway").check();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(heading).toContainText("Step 3 of 6: Scheduled tasks");
  // Back by the step's name above the form; the steps reached are ways on again, those not reached yet are none.
  const steps = page.getByRole("navigation", { name: "Setup steps" });
  await steps.getByRole("button", { name: "2. E-mail (done)" }).click();
  await expect(heading).toContainText("Step 2 of 6: E-mail");
  await expect(steps.getByRole("button")).toHaveText(["✓ 1. Access (done)", "3. Scheduled tasks"]);
  // Left and come back to: the same steps are ways on (the draft keeps the furthest step reached).
  await page.reload();
  await expect(heading).toContainText("Step 2 of 6: E-mail");
  await expect(steps.getByRole("button")).toHaveText(["✓ 1. Access (done)", "3. Scheduled tasks"]);

  await page.getByRole("button", { name: "Use mailinator.com" }).click();
  await expect(page.getByLabel("E-mail invalidation domain")).toHaveValue("mailinator.com");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(heading).toContainText("Step 3 of 6: Scheduled tasks");
});

test("a refusal at the review names the step to fix and leads there; confirmations outlive leaving the setup", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "admin@nordlys.example");
  const sandboxPath = await orderSandbox(page, `Where to fix ${unique()}`, 1);
  const heading = page.getByRole("heading", { level: 2, name: /^Step \d of 6/ });

  // Nobody given access, and no reason said: only the confirmation refuses it.
  await page.getByRole("button", { name: "Remove everyone" }).click();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(heading).toContainText("Step 2 of 6: E-mail");
  await page.getByLabel("E-mail invalidation domain").fill("gmail.com");
  await page.getByLabel("Mail to gmail.com reaches no one real: use it anyway").check();
  await page.getByRole("button", { name: "Save and finish later" }).click();
  await expect(page).toHaveURL(/\/orders/);

  // Back again: the domain's confirmation was kept with the draft.
  await page.goto(`${sandboxPath}/setup`);
  await expect(heading).toContainText("Step 2 of 6: E-mail");
  await expect(page.getByLabel("Mail to gmail.com reaches no one real: use it anyway")).toBeChecked();
  for (const next of ["Step 3 of 6", "Step 4 of 6", "Step 5 of 6", "Step 6 of 6"]) {
    await page.getByRole("button", { name: "Next" }).click();
    await expect(heading).toContainText(next);
  }
  await page.getByLabel(/there is no going back/).check();
  await page.getByRole("button", { name: "Confirm and start the copy" }).click();
  await expect(page.getByTestId("confirm-error")).toContainText("Step 1, Access: Give at least one person access");
  await page.getByRole("button", { name: "Go to step 1: Access" }).click();
  await expect(heading).toContainText("Step 1 of 6: Access");
  await expect(page.getByLabel("Nobody gets access: say why")).toBeVisible();
});
