/**
 * A person's own choice of notices by e-mail, on their account page (linked from the
 * notifications menu): on for a new account, turned off with its Save (not by the click
 * alone), said once saved, and kept. With axe.
 */
import { expect, test } from "@playwright/test";
import { accountOfItsOwn, expectAccessible, signIn } from "./fixtures";

test("a person stops notice mails on their account page, and the choice is kept", async ({ page }, testInfo) => {
  const email = await accountOfItsOwn(testInfo, "quinn", "Quinn Quiet");
  await signIn(page, email);
  // The notifications menu says where the choice is.
  await page.getByTestId("notifications").locator("summary").click();
  await page.getByRole("link", { name: "Mailed to you too? Choose on your account page" }).click();
  await expect(page).toHaveURL(/\/account#mail-notices-heading$/);
  const form = page.getByRole("form", { name: "Notices by e-mail" });
  const box = form.getByLabel("E-mail me the portal's notices");
  await expect(box).toBeChecked();
  await expect(box).toHaveAccessibleDescription(/A copy ready or failed.*They are under Notifications either way\./);

  await box.uncheck();
  await expect(form.getByText("Not saved yet.")).toBeVisible();
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByTestId("mail-notices-status")).toHaveText("Saved: notices stay in the portal, and are no longer mailed to you.");
  await expect(form.getByText("Not saved yet.")).toHaveCount(0);
  await expectAccessible(page, "the account page's notices by e-mail");

  await page.reload();
  await expect(page.getByRole("form", { name: "Notices by e-mail" }).getByLabel("E-mail me the portal's notices")).not.toBeChecked();
});
