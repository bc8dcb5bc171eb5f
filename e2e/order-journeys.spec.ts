import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, onDemoProduction, signIn } from "./fixtures";

const unique = () => `${Date.now().toString(36)}`;

/** Walks the wizard from wherever it is to the review step, checking each step on the way. */
async function throughWizard(page: Page, checks: { onAccess?: () => Promise<void>; domain?: string } = {}) {
  const heading = page.getByRole("heading", { level: 2, name: /^Step \d of 6/ });
  await expect(heading).toContainText("Step 1 of 6: Access");
  await expect(page.getByTestId("plan-usage")).toContainText("used");
  await checks.onAccess?.();
  await expectAccessible(page, "wizard access");
  await page.getByRole("button", { name: "Next" }).click();

  await expect(heading).toContainText("Step 2 of 6: E-mail");
  const domain = page.getByLabel("E-mail invalidation domain");
  const kept = checks.domain ?? "mailinator.com";
  await expect(domain).toHaveValue(kept);
  await expect(page.getByTestId("email-preview")).toContainText(`@${kept}`);
  await domain.fill("example.invalid");
  await expect(page.getByTestId("email-preview")).toContainText("@example.invalid");
  await expectAccessible(page, "wizard e-mail");
  await page.getByRole("button", { name: "Next" }).click();

  await expect(heading).toContainText("Step 3 of 6: Scheduled tasks");
  await expect(page.getByText("0 of 10 on in the sandbox")).toBeVisible();
  await page.getByRole("button", { name: "Keep all" }).click();
  await expect(page.getByText("10 of 10 on in the sandbox")).toBeVisible();
  await page.getByRole("button", { name: "Keep none" }).click();
  await page.getByRole("checkbox", { name: "Keep “Nightly CRMScript cleanup” enabled" }).check();
  await expect(page.getByText("At 02:00, every day")).toBeVisible();
  await expectAccessible(page, "wizard tasks");
  await page.getByRole("button", { name: "Next" }).click();

  await expect(heading).toContainText("Step 4 of 6: Data");
  await page.getByLabel("Documents created on or after a date").check();
  await page.getByLabel("Created on or after", { exact: true }).fill("2024-01-01");
  await page.getByLabel("Copy them").check();
  await expect(page.getByTestId("data-estimate")).toContainText("takes");
  await expectAccessible(page, "wizard data");
  await page.getByRole("button", { name: "Next" }).click();

  await expect(heading).toContainText("Step 5 of 6: Running mode");
  await expect(page.getByLabel(/^Running/)).toBeChecked();
  await expectAccessible(page, "wizard running mode");
  await page.getByRole("button", { name: "Next" }).click();

  await expect(heading).toContainText("Step 6 of 6: Review");
  await expect(page.getByTestId("review-choices")).toContainText("example.invalid");
  await expect(page.getByTestId("review-choices")).toContainText("Nightly CRMScript cleanup");
  await expect(page.getByTestId("dry-run")).toContainText("Inbox messages removed");
  await expect(page.getByTestId("web-panel-examples").getByRole("listitem")).toHaveCount(3);
  await expect(page.getByTestId("web-panel-examples")).toContainText("<cs");
  await expectAccessible(page, "wizard review");
}

async function confirm(page: Page) {
  await page.getByRole("button", { name: "Confirm and start the copy" }).click();
  await expect(page.getByText("Tick the box to confirm that there is no going back.")).toBeVisible();
  // The box takes the keyboard's place, and its error is its description.
  await expect(page.getByLabel(/there is no going back/)).toBeFocused();
  await expect(page.getByLabel(/there is no going back/)).toHaveAccessibleDescription("Tick the box to confirm that there is no going back.");
  await page.getByLabel(/there is no going back/).check();
  await page.getByRole("button", { name: "Confirm and start the copy" }).click();
  await expect(page).toHaveURL(/\/sandboxes\/[^/]+$/);
}

test.describe("ordering a sandbox", () => {
  test("a customer admin orders, sets up, leaves and resumes, confirms, and gets a ready sandbox", async ({ page }) => {
    test.setTimeout(180_000);
    const name = `Training ${unique()}`;
    await signIn(page, "admin@nordlys.example");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Order a sandbox" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Order a sandbox" })).toBeVisible();
    await expect(page.getByTestId("production-size")).toContainText(/\d/);
    await expect(page.getByTestId("estimated-duration")).toContainText(/minute|about/);
    await expectAccessible(page, "order form");

    await page.getByLabel("Sandbox name").fill(name);
    await page.getByLabel("Sales Premium").fill("2");
    // Half-typed numbers never make the total negative or absurd, and say what is left out.
    await page.getByLabel("Service Premium").fill("-5");
    await expect(page.getByTestId("plan-total")).toHaveText(/^Total: 2 user plans \(not counted .*: Service Premium\)$/);
    await page.getByLabel("Service Premium").fill("1");
    await expect(page.getByTestId("plan-total")).toHaveText("Total: 3 user plans");
    await page.getByLabel("Note (optional)").fill("For the spring training.");
    await page.getByLabel(/dead end/).check();
    await page.getByLabel(/not a backup/).check();
    await page.getByRole("button", { name: "Order and continue to setup" }).click();

    await expect(page).toHaveURL(/\/sandboxes\/[^/]+\/setup$/);
    const setupUrl = page.url();
    await expect(page.getByTestId("plan-usage")).toContainText("Sales Premium: 2 of 2 used");
    await expect(page.getByTestId("order-note")).toContainText("For the spring training.");

    // Leave after step 1 and come back: the draft brings us back to step 2 with what was entered.
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("E-mail invalidation domain").fill("resume.example");
    await page.getByRole("button", { name: "Save and finish later" }).click();
    await expect(page).toHaveURL(/\/orders\?saved=/);
    await expect(page.getByTestId("setup-saved")).toContainText(`Your choices for “${name}” are saved.`);
    await expect(page.getByRole("link", { name: new RegExp(`^${name}`) })).toBeVisible();
    await expect(page.getByText("setup in progress").first()).toBeVisible();
    // Said wherever the order stands in the list: a filter that leaves it off this page still names it; an id nobody may see, nothing.
    const sandboxId = new URL(setupUrl).pathname.split("/")[2]!;
    await page.goto(`/orders?saved=${sandboxId}&q=zzzz-no-such-order`);
    await expect(page.getByTestId("setup-saved")).toContainText(`Your choices for “${name}” are saved.`);
    await page.goto("/orders?saved=no-such-sandbox");
    await expect(page.getByRole("heading", { name: "Your organisation's orders" })).toBeVisible();
    await expect(page.getByTestId("setup-saved")).toHaveCount(0);
    await page.goto(setupUrl);
    await expect(page.getByRole("heading", { level: 2 })).toContainText("Step 2 of 6: E-mail");
    await expect(page.getByLabel("E-mail invalidation domain")).toHaveValue("resume.example");
    await page.getByRole("button", { name: "Back" }).click();

    await throughWizard(page, {
      domain: "resume.example",
      onAccess: async () => {
        await page.getByLabel("Search people").fill("zzzz-nobody");
        await expect(page.getByTestId("people-match")).toHaveText(/^0 of \d+ people match/);
        await page.getByLabel("Search people").fill("");
        await page.getByLabel("Show", { exact: true }).selectOption("chosen");
        await expect(page.getByRole("checkbox", { name: /^Give .* access$/, checked: true })).toHaveCount(3);
        await page.getByLabel("Show", { exact: true }).selectOption("all");
      },
    });
    await confirm(page);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

    // The in-app worker runs the copy; a small production takes seconds.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("sandbox-status")).toHaveText(/Ready|Failed/, { timeout: 1000 });
    }).toPass({ timeout: 150_000, intervals: [2000] });
    await expect(page.getByTestId("sandbox-status")).toHaveText("Ready");
    // A way in: the sign-in address from the template, the people with access, and the order's note.
    const open = page.getByRole("link", { name: /^Open sandbox/ });
    await expect(open).toHaveAttribute("href", /^https:\/\/sod\.superoffice\.com\/Cust9\d{5}$/);
    // Access is recorded right after the run, as its notices go out.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("table", { name: "People with access to this sandbox" }).getByRole("row")).toHaveCount(4, { timeout: 1000 });
    }).toPass({ timeout: 30_000, intervals: [1000] });
    await expect(page.getByTestId("sandbox-note")).toContainText("For the spring training.");
    await expectAccessible(page, "ready sandbox");
    await page.goto("/sandboxes");
    await expect(page.getByRole("link", { name: `Open sandbox ${name} (opens in a new tab)` })).toBeVisible();
    await page.goBack();

    // A confirmed setup cannot be opened again: the wizard sends you to the sandbox.
    await page.goto(setupUrl);
    await expect(page).toHaveURL(/\/sandboxes\/[^/]+$/);
  });

  test("a sales rep files an order for a customer, and the customer's admin completes it", async ({ page }) => {
    test.setTimeout(180_000);
    const name = `Demo ${unique()}`;
    await signIn(page, "sales@sandbox-portal.example");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New order for a customer" }).click();
    await expect(page.getByTestId("estimate")).toContainText("Choose a customer");
    await expectAccessible(page, "sales order form");
    await page.getByLabel("Search by company name or customer id").fill("fjord");
    await expect(page.getByTestId("customer-count")).toHaveText("1 customer shown.");
    await page.getByLabel(/Fjordline Logistics AB/).check();
    await expect(page.getByTestId("selected-customer")).toContainText("Fjordline Logistics AB (Cust10002)");
    await expect(page.getByTestId("production-size")).toContainText(/\d/);
    await page.getByLabel("Sandbox name").fill(name);
    await page.getByLabel("Complete").fill("2");
    await page.getByLabel(/dead end/).check();
    await page.getByLabel(/not a backup/).check();
    await page.getByRole("button", { name: "File the order" }).click();
    await expect(page.getByTestId("order-filed")).toContainText(`Order “${name}” filed for Fjordline Logistics AB`);
    await expect(page.getByTestId("order-filed")).toBeFocused();
    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row).toContainText("Awaiting setup");
    await expect(row).toContainText("(for the customer)");
    await expectAccessible(page, "sales orders list");
    // The rep cannot run the wizard: the sandbox name is not a link for them; they may change or cancel their order.
    await expect(row.getByRole("link", { name: new RegExp(`^${name}`) })).toHaveCount(0);
    await expect(row.getByRole("link", { name: `Change or cancel the order for ${name}` })).toBeVisible();

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await signIn(page, "admin@fjordline.example");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orders" }).click();
    await page.getByRole("link", { name: new RegExp(`${name}.*start the setup`) }).click();
    await expect(page).toHaveURL(/\/setup$/);
    await expect(page.getByText("on your behalf")).toBeVisible();
    await expect(page.getByTestId("plan-usage")).toContainText("Complete: 2 of 2 used");
    // The customer added a custom field in production since: the review's drift check finds it.
    await onDemoProduction(test.info(), "Cust10002", "ALTER TABLE contact ADD COLUMN IF NOT EXISTS newsletter_email text");
    await throughWizard(page);
    const unknown = page.getByTestId("schema-review");
    await expect(unknown).toContainText("1 item the CRM does not define");
    const field = unknown.getByRole("group", { name: "Column “newsletter_email” in table “contact” (text)" });
    await expect(page.getByRole("button", { name: "Confirm and start the copy" })).toBeDisabled();
    await expect(page.getByTestId("confirm-blocked")).toContainText("Decide what happens to the item listed above");
    await expectAccessible(page, "wizard review with unknown schema");
    await unknown.getByRole("button", { name: "Save these choices" }).click();
    await expect(page.getByTestId("schema-review-error")).toContainText("Choose what happens to at least one item.");
    await field.getByLabel(/make them undeliverable/).check();
    await unknown.getByRole("button", { name: "Save these choices" }).click();
    await expect(page.getByTestId("schema-ready")).toBeVisible();
    await expect(page.getByTestId("confirm-blocked")).toHaveCount(0);
    await confirm(page);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  });
});
