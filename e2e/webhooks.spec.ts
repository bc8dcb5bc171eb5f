/**
 * A customer admin registers a webhook endpoint in the browser: a private address is
 * refused with the reason, a public one is added and its signing secret is shown
 * once, never in the list; removing it asks first. With axe at 1280 and 390 px.
 */
import { expect, test } from "@playwright/test";
import { expectAccessible, signIn } from "./fixtures";

test("a customer admin adds a webhook endpoint, sees its secret once, and removes it", async ({ page }) => {
  const url = `https://ci-${Date.now().toString(36)}.nordlys.example/hooks/sandbox`;
  await signIn(page, "admin@nordlys.example");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  await expectAccessible(page);

  const form = page.getByRole("form", { name: "Add a webhook endpoint" });
  const address = form.getByLabel("Address (https://…)");
  await address.fill("http://ci.nordlys.example/hooks");
  await form.getByRole("button", { name: "Add the endpoint" }).click();
  await expect(form.getByText("The address must start with https://")).toBeVisible();
  // The cloud's metadata service: the server refuses it.
  await address.fill("https://169.254.169.254/latest/meta-data");
  await form.getByRole("button", { name: "Add the endpoint" }).click();
  await expect(form.getByText("loopback or private network").first()).toBeVisible();

  await address.fill(url);
  await form.getByLabel("Description (optional)").fill("release pipeline");
  await form.getByLabel(/A sandbox was deleted/).uncheck();
  await form.getByRole("button", { name: "Add the endpoint" }).click();
  await expect(page.getByTestId("new-endpoint")).toContainText(url);
  const secret = (await page.getByTestId("new-endpoint-value").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  const row = page.getByTestId("endpoint-row").filter({ hasText: url });
  await expect(row).toContainText("sandbox.ready, sandbox.refreshed, sandbox.failed");
  await expect(row).not.toContainText("sandbox.deleted");
  await expect(page.locator("main")).toContainText(secret);
  await page.reload();
  await expect(page.locator("main")).not.toContainText(secret);
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 800 });

  page.once("dialog", (dialog) => void dialog.accept());
  const remove = row.getByRole("button", { name: /^Remove/ });
  // Its name says which endpoint, after the label that is seen.
  await expect(remove).toHaveAccessibleName(/^Remove\s*: https:\/\//);
  expect(await remove.textContent()).toBe(`Remove: ${url}`);
  await remove.click();
  await expect(row).toHaveCount(0);
});

test("a customer user has no Webhooks page", async ({ page }) => {
  await signIn(page, "user@nordlys.example");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" })).toHaveCount(0);
  const answer = await page.goto("/webhooks");
  expect(answer?.status()).toBe(403);
});
