/**
 * A forgotten password, through the real pages: the link asked for on the sign-in page,
 * mailed by the worker, followed from the mail, and the new password set there; the link
 * then does nothing more, and the request's answer never says whether an account exists.
 */
import { expect, test } from "@playwright/test";
import { accountOfItsOwn, connectToServerDatabase, DEMO_PASSWORD, expectAccessible, mailsTo, signIn } from "./fixtures";

test("a person who forgot their password sets a new one with a mailed link, once", async ({ page }, testInfo) => {
  const email = await accountOfItsOwn(testInfo, "forgetful", "Fran Forgetful");
  const newPassword = "a passphrase I will remember";
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await expectAccessible(page);
  const form = page.getByRole("form", { name: "Ask for a password link" });
  await form.getByLabel("E-mail").fill(email);
  await form.getByRole("button", { name: "Mail me a link" }).click();
  await expect(page.getByTestId("reset-requested")).toContainText(`If ${email} belongs to an account of the portal`);
  await expect(page.getByTestId("reset-requested")).toBeFocused();

  // The worker mails the link; its secret is after the '#'.
  await expect.poll(async () => (await mailsTo(testInfo, email)).length, { timeout: 20_000 }).toBe(1);
  const [mail] = await mailsTo(testInfo, email);
  expect(mail!.subject).toBe("Set a new password for Sandbox Portal");
  const link = /(http\S+\/reset-password#[\w-]+)/.exec(mail!.text)![1]!;

  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Set a new password" })).toBeVisible();
  // The token is taken off the address bar once read.
  await expect(page).toHaveURL(/\/reset-password$/);
  await expectAccessible(page);
  const reset = page.getByRole("form", { name: "Set a new password" });
  await reset.getByLabel("New password", { exact: true }).fill(newPassword);
  await reset.getByLabel("New password again").fill(`${newPassword}!`);
  await reset.getByRole("button", { name: "Set the new password" }).click();
  await expect(reset.getByLabel("New password again")).toHaveAccessibleDescription("Type the same new password again.");
  await reset.getByLabel("New password again").fill(newPassword);
  await reset.getByRole("button", { name: "Set the new password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?changed=password/);

  // The old password opens nothing; the new one does.
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("sign-in-error")).toContainText("The e-mail or password is incorrect.");
  await signIn(page, email, newPassword);
  await expect(page.getByTestId("who-am-i")).toContainText("Fran Forgetful");

  // The same link again: refused in plain words, with the way to a new one.
  const again = await page.context().browser()!.newPage();
  await again.goto(link);
  await again.getByLabel("New password", { exact: true }).fill("another passphrase here");
  await again.getByLabel("New password again").fill("another passphrase here");
  await again.getByRole("button", { name: "Set the new password" }).click();
  await expect(again.getByTestId("reset-status")).toContainText("This link no longer works");
  await expect(again.getByRole("link", { name: "Ask for a new link" })).toBeVisible();
  await again.close();
});

test("the request answers the same for an address without an account, and mails nothing", async ({ page }, testInfo) => {
  const nobody = `nobody-${testInfo.workerIndex}-${Date.now()}@fjordline.example`;
  await page.goto("/forgot-password");
  await page.getByLabel("E-mail").fill(nobody);
  await page.getByRole("button", { name: "Mail me a link" }).click();
  await expect(page.getByTestId("reset-requested")).toContainText(`If ${nobody} belongs to an account of the portal`);
  // The worker has done its job: looked the address up, and mailed nothing.
  const db = await connectToServerDatabase(testInfo);
  try {
    const jobState = async () => (await db.query<{ state: string }>("SELECT state FROM pgboss.job WHERE name = 'password-reset-mail' AND data->>'email' = $1", [nobody])).rows[0]?.state;
    await expect.poll(jobState, { timeout: 20_000 }).toBe("completed");
  } finally {
    await db.end();
  }
  expect(await mailsTo(testInfo, nobody)).toEqual([]);
});
