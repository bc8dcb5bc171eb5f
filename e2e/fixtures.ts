import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "../scripts/demo-accounts";

export { DEMO_PASSWORD };

/** Signs in through the real form. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("who-am-i")).toBeVisible();
}
