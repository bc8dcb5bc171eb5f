/**
 * A customer admin's People page, through the real pages: a person invited as a customer
 * user, the invitation sent again, the mailed link followed in the person's own browser
 * and the password set there; the person signs in and has no People page. The admin then
 * makes them an admin (their session ends) and disables them (their sign-in is refused);
 * the admin's own row offers nothing to change. Operators read a customer's people, with
 * when each last signed in, and change nothing there; sales reps and customers cannot. With axe.
 */
import { expect, test, type TestInfo } from "@playwright/test";
import { expectAccessible, mailsTo, signIn } from "./fixtures";

const ADMIN = "admin@fjordline.example";

/** The link in the newest mail to `email` once there are `count` of them; its secret is after the '#'. */
async function newestLink(testInfo: TestInfo, email: string, count: number): Promise<string> {
  await expect.poll(async () => (await mailsTo(testInfo, email)).length, { timeout: 20_000 }).toBe(count);
  const [mail] = await mailsTo(testInfo, email);
  expect(mail!.subject).toBe("You are invited to Sandbox Portal for Fjordline Logistics AB");
  return /(http\S+\/join#[\w-]+)/.exec(mail!.text)![1]!;
}

test("a customer admin invites a person, who joins; the admin makes them admin, then disables them", async ({ browser, page }, testInfo) => {
  test.setTimeout(120_000);
  const email = `invitee-${testInfo.workerIndex}-${Date.now()}@fjordline.example`;
  // A name of its own per run, in letters: the People page takes names, not codes.
  const name = `Ines Invitee ${Date.now().toString(36).replace(/\d/g, (d) => "abcdefghij"[Number(d)]!)}`;
  const password = "a passphrase of my own";
  const announcement = page.getByTestId("page-announcement");

  await signIn(page, ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
  await expect(page.getByRole("heading", { name: "People", level: 1 })).toBeVisible();
  await expectAccessible(page);

  const form = page.getByRole("form", { name: "Invite a person" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("E-mail").fill(email);
  await form.getByLabel("Role").selectOption({ label: "Customer user" });
  await form.getByRole("button", { name: "Send the invitation" }).click();
  await expect(announcement).toHaveText(`Invitation sent to ${email}.`);
  await expect(form.getByLabel("E-mail")).toHaveValue("");
  const row = page.getByTestId("person-row").filter({ hasText: email });
  // The columns: name, e-mail, role, sign-in, last signed in, status, change.
  const roleCell = row.getByRole("cell").nth(2);
  const statusCell = row.getByRole("cell").nth(5);
  await expect(roleCell).toHaveText("Customer user");
  await expect(statusCell).toHaveText("Invited: has not set a password yet");
  const firstLink = await newestLink(testInfo, email, 1);

  // Sent again: a new link, and the first one ends.
  const resend = row.getByRole("button", { name: /^Send the invitation again/ });
  await expect(resend).toHaveAccessibleName(new RegExp(`^Send the invitation again\\s*: ${name}$`));
  await resend.click();
  await expect(announcement).toHaveText(`The invitation is sent again to ${email}. The earlier link no longer works.`);
  const link = await newestLink(testInfo, email, 2);
  expect(link).not.toBe(firstLink);

  // Found by part of the address, alone in the list; a search that finds no one says so; cleared, everyone again.
  const search = page.getByRole("form", { name: "Search the people" });
  await search.getByLabel("Search").fill(email.split("@")[0]!.toUpperCase());
  await search.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/\/people\?q=/);
  await expect(page.getByTestId("person-row")).toHaveCount(1);
  await expect(page.getByTestId("person-row")).toContainText(email);
  await search.getByLabel("Search").fill("zzzz no such person");
  await search.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No one matches “zzzz no such person”.")).toBeVisible();
  await search.getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByTestId("person-row").filter({ hasText: "admin@fjordline.example" })).toBeVisible();

  // The person, in a browser of their own: the password set with the link, then signed in.
  const theirs = await browser.newContext();
  const invitee = await theirs.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole("heading", { name: "Welcome to Sandbox Portal" })).toBeVisible();
  await expectAccessible(invitee, "joining by an invitation");
  const choose = invitee.getByRole("form", { name: "Choose your password" });
  await choose.getByLabel("Password", { exact: true }).fill(password);
  await choose.getByLabel("Password again").fill(password);
  await choose.getByRole("button", { name: "Set my password" }).click();
  await expect(invitee).toHaveURL(/\/sign-in\?changed=joined/);
  await expect(invitee.getByTestId("sign-in-notice")).toHaveText("Your password is set. Sign in with it to start.");
  await signIn(invitee, email, password);
  await expect(invitee.getByTestId("who-am-i")).toContainText(name);
  await expect(invitee.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" })).toHaveCount(0);
  expect((await invitee.goto("/people"))?.status()).toBe(403);
  await expect(invitee.getByRole("heading", { name: "You do not have access to that page" })).toBeVisible();

  // Back as the admin: joined.
  await page.reload();
  await expect(statusCell).toHaveText("Active");
  await expect(row.getByRole("button", { name: /^Send the invitation again/ })).toHaveCount(0);

  // A new role asks first, saying what it gives.
  await row.getByRole("button", { name: new RegExp(`^Make admin\\s*: ${name}$`) }).click();
  const promote = row.getByRole("group", { name: `Make ${name} a customer admin?` });
  await expect(promote).toBeFocused();
  await expect(promote).toContainText("manage its people, you included");
  await promote.getByRole("button", { name: new RegExp(`^Yes, make admin\\s*: ${name}$`) }).click();
  await expect(announcement).toHaveText(`${name} is now a customer admin, and signs in again to go on.`);
  await expect(roleCell).toHaveText("Customer admin");
  // The same button, turned the other way: the keyboard is back on it.
  await expect(row.getByRole("button", { name: new RegExp(`^Make user\\s*: ${name}$`) })).toBeFocused();
  // A new role ends the person's sessions.
  await invitee.goto("/sandboxes");
  await expect(invitee).toHaveURL(/\/sign-in/);

  // Disabling asks first, in the row.
  await row.getByRole("button", { name: new RegExp(`^Disable\\s*: ${name}$`) }).click();
  const question = row.getByRole("group", { name: `Disable ${name}?` });
  await expect(question).toBeFocused();
  await expectAccessible(page);
  await question.getByRole("button", { name: /^Keep enabled/ }).click();
  await expect(question).toHaveCount(0);
  await expect(row.getByRole("button", { name: new RegExp(`^Disable\\s*: ${name}$`) })).toBeFocused();
  await row.getByRole("button", { name: new RegExp(`^Disable\\s*: ${name}$`) }).click();
  await question.getByRole("button", { name: new RegExp(`^Yes, disable\\s*: ${name}$`) }).click();
  await expect(announcement).toHaveText(`${name} is disabled: they can no longer sign in.`);
  await expect(statusCell).toHaveText("Disabled");
  await expect(row.getByRole("button", { name: new RegExp(`^Enable\\s*: ${name}$`) })).toBeVisible();
  // The button went with the question: the keyboard goes to the page's heading.
  await expect(page.getByRole("heading", { name: "People", level: 1 })).toBeFocused();

  // Their right password now opens nothing, and they are told why.
  await invitee.goto("/sign-in");
  await invitee.getByLabel("E-mail").fill(email);
  await invitee.getByLabel("Password").fill(password);
  await invitee.getByRole("button", { name: "Sign in" }).click();
  await expect(invitee.getByTestId("sign-in-error")).toContainText("This account is disabled.");
  await theirs.close();

  // The admin's own account is not changed from here.
  const own = page.getByTestId("person-row").filter({ hasText: "(you)" });
  await expect(own).toContainText(ADMIN);
  await expect(own.getByRole("button")).toHaveCount(0);
});

test("operators read a customer's people, with when each last signed in, and change nothing there", async ({ browser, page }) => {
  // The customer's admin signs in, in a browser of their own: the sign-in is what the page shows.
  const theirs = await browser.newContext();
  const admin = await theirs.newPage();
  await signIn(admin, ADMIN);
  await theirs.close();

  await signIn(page, "operator@sandbox-portal.example");
  await page.goto("/tenants");
  await page.getByRole("link", { name: /people of Fjordline Logistics AB$/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People of Fjordline Logistics AB (Cust10002)" })).toBeVisible();
  const row = page.getByTestId("person-row").filter({ hasText: ADMIN });
  const lastSignedIn = row.getByRole("cell").nth(4);
  await expect(lastSignedIn).toHaveText(/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/);
  await expect(row.getByRole("cell").nth(2)).toHaveText("Customer admin");
  await expect(page.getByRole("button", { name: /^(Make|Disable|Enable|Send)/ })).toHaveCount(0);
  await expectAccessible(page, "a customer's people, for staff");

  // Nor does a sales rep (the count is no link for them), or a customer's admin, for their own organisation or another.
  for (const who of ["sales@sandbox-portal.example", ADMIN]) {
    const again = await browser.newContext();
    const other = await again.newPage();
    await signIn(other, who);
    expect((await other.goto("/tenants/Cust10002/people"))?.status()).toBe(403);
    if (who !== ADMIN) {
      await other.goto("/tenants");
      await expect(other.getByRole("link", { name: /people of Fjordline Logistics AB$/ })).toHaveCount(0);
    }
    await again.close();
  }
});
